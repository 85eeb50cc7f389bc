import { apiRequest, describeFailure } from './api-client.js';
import type { IntentView } from './intent-view.js';

/** The request body the form sends (openapi.yaml IntentCreate); the rest is left to the API's defaults. */
export interface IntentRequestBody {
  endpoints: { src: string; dst: string };
  bandwidthMbps: number;
  maxLatencyMs?: number;
  protection: string;
}

export function intentRequestFromForm(data: FormData): IntentRequestBody {
  const body: IntentRequestBody = {
    endpoints: { src: String(data.get('src') ?? '').trim(), dst: String(data.get('dst') ?? '').trim() },
    bandwidthMbps: Number(data.get('bandwidthMbps')),
    protection: String(data.get('protection') ?? 'none'),
  };
  const latency = String(data.get('maxLatencyMs') ?? '').trim();
  if (latency !== '') body.maxLatencyMs = Number(latency);
  return body;
}

/**
 * The "new intent" form. It posts to the intent API and shows the answer as it is: the new intent's id
 * and state, or the API's error code and message (the API validates; the page does not second-guess it).
 */
export function bindIntentForm(form: HTMLFormElement, message: HTMLElement, onCreated: (v: IntentView) => void): void {
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    void submit();
  });

  async function submit(): Promise<void> {
    const button = form.querySelector('button[type=submit]') as HTMLButtonElement | null;
    if (button) button.disabled = true;
    message.textContent = 'Submitting...';
    message.className = 'form-message';
    try {
      const res = await apiRequest<IntentView>('POST', '/intents', intentRequestFromForm(new FormData(form)));
      if (res.ok) {
        message.textContent = `Intent ${res.data?.id ?? ''} accepted (${res.data?.state ?? 'requested'})`;
        message.className = 'form-message ok';
        if (res.data?.id) onCreated(res.data);
      } else {
        message.textContent = describeFailure(res);
        message.className = 'form-message error';
      }
    } finally {
      if (button) button.disabled = false;
    }
  }
}
