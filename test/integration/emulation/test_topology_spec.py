"""Reading topology files for emulation: what the emulator derives must match the
controller's loader (datapath ids, fibre latency, ports)."""

from __future__ import annotations

import sys
import tempfile
import unittest
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT / "emulation"))

from topology_spec import TopologyError, fibre_latency_ms, interface_address, load_topology, normalise_dpid  # noqa: E402

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "two-routes.yaml"


class TopologySpecTest(unittest.TestCase):
    def test_reads_the_fixture(self) -> None:
        spec = load_topology(FIXTURE)
        self.assertEqual([s.dpid for s in spec.switches],
                         ["00000000000000a1", "00000000000000b2", "00000000000000c1", "00000000000000c2"])
        direct = spec.cable("direct")
        self.assertEqual((direct.a_node, direct.a_port, direct.b_node, direct.b_port), ("site-a", 2, "site-b", 2))
        self.assertEqual((direct.capacity_mbps, direct.latency_ms), (20.0, 8.0))
        self.assertEqual(spec.host("host-b").addresses, ("10.91.2.10/24",))
        self.assertEqual(spec.skipped, ())

    def test_normalises_datapath_ids_like_the_controller(self) -> None:
        self.assertEqual(normalise_dpid("0x00B2"), "00000000000000b2")
        self.assertEqual(normalise_dpid("00000000000000A1"), "00000000000000a1")

    def test_fibre_latency_matches_the_controller_model(self) -> None:
        # Paris-Frankfurt: fibreLatencyMs() of src/topology/fibre-model.ts gives 3.345 ms
        # (great circle 477.89 km x 1.4 route factor x 0.005 ms/km).
        paris, frankfurt = {"lat": 48.8566, "lon": 2.3522}, {"lat": 50.1109, "lon": 8.6821}
        self.assertEqual(fibre_latency_ms(paris, frankfurt), 3.345)
        self.assertEqual(fibre_latency_ms(paris, paris), 0.01)  # equipment floor

    def test_an_owned_prefix_gives_the_host_its_first_address(self) -> None:
        self.assertEqual(interface_address("10.1.0.0/24"), "10.1.0.1/24")
        self.assertEqual(interface_address("10.1.0.7/24"), "10.1.0.7/24")
        self.assertEqual(interface_address("10.1.0.7/32"), "10.1.0.7/32")
        self.assertEqual(interface_address("2001:db8::/64"), "2001:db8::1/64")

    def test_assigns_free_ports_and_skips_what_cannot_be_emulated(self) -> None:
        doc = """
providers: [{ id: p, name: P, kind: telco }]
nodes:
  - { id: s1, kind: switch, name: S1, provider: p, jurisdiction: DE, datapathId: "0x1" }
  - { id: s2, kind: switch, name: S2, provider: p, jurisdiction: DE, datapathId: "0x2" }
  - { id: cloud, kind: cloud-region, name: C, provider: p, jurisdiction: DE }
endpoints:
  - { id: h1, name: H1, addresses: ["10.0.0.1/24"], attachment: { node: s1, port: 1 } }
cables:
  - { id: c1, a: { node: s1 }, b: { node: s2, port: 5 }, capacityMbps: 10, latencyMs: 1, provider: p }
  - { id: c2, a: { node: s2 }, b: { node: cloud }, capacityMbps: 10, latencyMs: 1, provider: p }
"""
        with tempfile.NamedTemporaryFile("w", suffix=".yaml") as f:
            f.write(doc)
            f.flush()
            spec = load_topology(f.name)
        self.assertEqual(spec.cable("c1").a_port, 2)  # port 1 is taken by h1
        self.assertEqual(spec.cable("c1").b_port, 5)
        self.assertEqual([c.id for c in spec.cables], ["c1"])
        self.assertEqual(len(spec.skipped), 2)
        self.assertIn("cable c2", spec.skipped[1])

    def test_rejects_what_is_not_a_topology(self) -> None:
        with tempfile.NamedTemporaryFile("w", suffix=".yaml") as f:
            f.write("just: text\n")
            f.flush()
            with self.assertRaises(TopologyError):
                load_topology(f.name)
        with self.assertRaises(TopologyError):
            load_topology(FIXTURE.with_name("missing.yaml"))


if __name__ == "__main__":
    unittest.main()
