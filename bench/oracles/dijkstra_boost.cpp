// Single-source Dijkstra baseline with the Boost Graph Library on a compressed-sparse-row graph.
// Input file: "n m" then m lines "u v w" (0-based, directed, w = latency in ms). Sources are arguments.
// Prints one JSON line: {"medianMs": x, "checksum": y} over `repeat` runs per source.
#include <algorithm>
#include <boost/graph/compressed_sparse_row_graph.hpp>
#include <boost/graph/dijkstra_shortest_paths.hpp>
#include <boost/property_map/property_map.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <utility>
#include <vector>

struct EdgeProps { double weight; };
using Graph = boost::compressed_sparse_row_graph<boost::directedS, boost::no_property, EdgeProps>;

int main(int argc, char** argv) {
  if (argc < 4) { std::fprintf(stderr, "usage: %s FILE REPEAT SOURCE...\n", argv[0]); return 2; }
  std::ifstream in(argv[1]);
  std::size_t n, m;
  in >> n >> m;
  std::vector<std::pair<std::size_t, std::size_t>> edges(m);
  std::vector<EdgeProps> props(m);
  for (std::size_t i = 0; i < m; i++) in >> edges[i].first >> edges[i].second >> props[i].weight;
  Graph g(boost::edges_are_unsorted_multi_pass, edges.begin(), edges.end(), props.begin(), n);
  int repeat = std::atoi(argv[2]);
  std::vector<double> dist(n), times;
  std::vector<Graph::vertex_descriptor> pred(n);
  double checksum = 0;
  for (int a = 3; a < argc; a++) {
    std::size_t s = std::strtoul(argv[a], nullptr, 10);
    for (int r = 0; r < repeat; r++) {
      auto t0 = std::chrono::steady_clock::now();
      boost::dijkstra_shortest_paths(g, s,
        boost::predecessor_map(boost::make_iterator_property_map(pred.begin(), boost::get(boost::vertex_index, g)))
          .distance_map(boost::make_iterator_property_map(dist.begin(), boost::get(boost::vertex_index, g)))
          .weight_map(boost::get(&EdgeProps::weight, g)));
      auto t1 = std::chrono::steady_clock::now();
      times.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
    }
    for (double d : dist) if (d < std::numeric_limits<double>::max() / 2) checksum += d;
  }
  std::sort(times.begin(), times.end());
  std::printf("{\"medianMs\": %.6f, \"checksum\": %.6f}\n", times[times.size() / 2], checksum);
  return 0;
}
