/**
 * The one error catalogue. Every error a user can see has a stable code, an HTTP status and a message
 * template that says what was wrong and what to change. The REST error handler renders them as
 * `{ code, message, details }`. Add new codes here, never ad hoc in a route.
 */

export interface ErrorSpec {
  readonly status: number;
  /** Template with `{name}` placeholders filled from the details object. */
  readonly message: string;
}

export const ERRORS = {
  SDNC_ERR_VALIDATION: { status: 400, message: 'Request is invalid: {reason}' },
  SDNC_ERR_BODY_TOO_LARGE: { status: 413, message: 'Request body is larger than {limitBytes} bytes' },
  SDNC_ERR_UNSUPPORTED_MEDIA_TYPE: { status: 415, message: 'Content-Type {contentType} is not supported; send application/json' },
  SDNC_ERR_MALFORMED_JSON: { status: 400, message: 'Request body is not valid JSON: {reason}' },
  SDNC_ERR_NOT_FOUND: { status: 404, message: 'No route {method} {url}' },
  SDNC_ERR_METHOD_NOT_ALLOWED: { status: 405, message: 'Method {method} is not allowed on {url}' },
  SDNC_ERR_NODE_NOT_FOUND: { status: 404, message: 'Node {id} does not exist' },
  SDNC_ERR_LINK_NOT_FOUND: { status: 404, message: 'Link {id} does not exist' },
  SDNC_ERR_ENDPOINT_NOT_FOUND: { status: 404, message: 'Endpoint {id} does not exist' },
  SDNC_ERR_NO_ENDPOINT_FOR_ADDRESS: { status: 404, message: 'No endpoint owns address {address}' },
  SDNC_ERR_DUPLICATE_ID: { status: 409, message: '{kind} {id} already exists; choose another id' },
  SDNC_ERR_INVALID_PREFIX: { status: 400, message: 'Address {value} is not a valid IPv4 or IPv6 address or CIDR prefix' },
  SDNC_ERR_PREFIX_CONFLICT: { status: 409, message: 'Prefix {prefix} is already owned by endpoint {owner}' },
  SDNC_ERR_CAPACITY_BELOW_RESERVED: {
    status: 409,
    message:
      'Capacity {capacityMbps} Mbit/s of link {id} is below the {reservedMbps} Mbit/s already reserved on it; withdraw intents first',
  },
  SDNC_ERR_NODE_IN_USE: { status: 409, message: 'Node {id} still has {links} links or endpoints attached; remove them first' },
  SDNC_ERR_TOPOLOGY_FILE: { status: 400, message: 'Topology file {file} is invalid: {reason}' },
  SDNC_ERR_CONFIG: { status: 400, message: 'Configuration is invalid: {reason}' },
  SDNC_ERR_NO_PATH: { status: 422, message: '{reason}' },
  SDNC_ERR_INTENT_NOT_FOUND: { status: 404, message: 'Intent {id} does not exist' },
  SDNC_ERR_INTENT_CONFLICT: { status: 409, message: 'Intent {id} cannot be changed in state {state}' },
  SDNC_ERR_INTENT_DUPLICATE: {
    status: 409,
    message: 'Intent {id} already carries this traffic ({direction}); change or withdraw it, or refine the match',
  },
  SDNC_ERR_IDEMPOTENCY_MISMATCH: {
    status: 422,
    message: 'Idempotency-Key {key} was already used with a different request body; use a new key',
  },
  SDNC_ERR_NOT_READY: { status: 503, message: 'Controller is not ready: {reason}' },
  SDNC_ERR_DEVICE_NOT_CONNECTED: { status: 503, message: 'Device {device} is not connected to the controller' },
  SDNC_ERR_DEVICE_REJECTED: { status: 502, message: 'Device {device} rejected {failed} of {total} messages: {reason}' },
  SDNC_ERR_DEVICE_TIMEOUT: { status: 504, message: 'Device {device} did not answer {request} within {timeoutMs} ms' },
  SDNC_ERR_DEVICE_OVERLOADED: {
    status: 503,
    message: 'Send queue to device {device} is full ({queuedBytes} bytes); retry later',
  },
  SDNC_ERR_FLOW_INVALID: { status: 400, message: 'Forwarding entry for device {device} cannot be expressed: {reason}' },
  SDNC_ERR_INTERNAL: { status: 500, message: 'Internal error ({ref}); the request was not applied' },
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof ERRORS;

/** An error whose code is in the catalogue. Throw it anywhere; the REST layer renders it. */
export class SdncError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly details: Readonly<Record<string, unknown>>;

  constructor(code: ErrorCode, details: Record<string, unknown> = {}) {
    super(formatMessage(ERRORS[code].message, details));
    this.name = 'SdncError';
    this.code = code;
    this.status = ERRORS[code].status;
    this.details = details;
  }
}

export function formatMessage(template: string, details: Record<string, unknown>): string {
  return template.replace(/\{(\w+)\}/g, (whole, key: string) => (key in details ? String(details[key]) : whole));
}
