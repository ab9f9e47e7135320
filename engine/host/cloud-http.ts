/**
 * The sync server's cloud-sync routes as the app host calls them (/api/v1/cloud). Same rules as ./live-http:
 * the body is validated against the contract, and an error answer becomes a SyncHttpError with the server's
 * code (UNREACHABLE when the server cannot be reached).
 */
import type { z } from 'zod';
import { CloudDevices, CloudPage, CloudUploadAnswer, type CloudChange } from '../protocol/cloud';
import { HttpError } from '../protocol/sync';
import { SyncHttpError } from '../node/sync/sync-http';

const TIMEOUT_MS = 15_000;

async function call<S extends z.ZodType>(
  origin: string,
  method: 'GET' | 'POST' | 'DELETE',
  path: string,
  schema: S,
  token: string,
  body?: unknown,
): Promise<z.output<S>> {
  let res: Response;
  try {
    res = await fetch(origin + path, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body !== undefined && { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (err) {
    throw new SyncHttpError(0, 'UNREACHABLE', `sync server unreachable: ${(err as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = await res.json();
  } catch {
    parsed = undefined;
  }
  if (res.status >= 400) {
    const e = HttpError.safeParse(parsed);
    throw new SyncHttpError(
      res.status,
      e.success ? e.data.error.code : `HTTP_${res.status}`,
      e.success ? e.data.error.message : `HTTP ${res.status}`,
    );
  }
  const ok = schema.safeParse(parsed);
  if (!ok.success) throw new SyncHttpError(res.status, 'BAD_RESPONSE', `unexpected response from ${path}`);
  return ok.data;
}

export interface DeviceName {
  id: string;
  name: string;
}

export function uploadChanges(origin: string, token: string, device: DeviceName, changes: CloudChange[]) {
  return call(origin, 'POST', '/api/v1/cloud/changes', CloudUploadAnswer, token, { device, changes });
}

export function pullChanges(origin: string, token: string, device: DeviceName, after: number, limit: number) {
  const q = `after=${after}&limit=${limit}&device=${encodeURIComponent(device.id)}&name=${encodeURIComponent(device.name)}`;
  return call(origin, 'GET', `/api/v1/cloud/changes?${q}`, CloudPage, token);
}

export function listDevices(origin: string, token: string) {
  return call(origin, 'GET', '/api/v1/cloud/devices', CloudDevices, token);
}

export function signOutDevice(origin: string, token: string, id: string) {
  return call(origin, 'DELETE', `/api/v1/cloud/devices/${encodeURIComponent(id)}`, CloudDevices, token);
}
