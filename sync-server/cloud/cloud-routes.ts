/**
 * Cloud sync's HTTP API (/api/v1/cloud, signed in): upload changes, pull them after a cursor, list the
 * account's devices and end a device's sign-in, ask for and list paper portfolios' leases. Every body and query is validated before CloudLog sees it;
 * a refusal of a whole upload is an error with its code (413 BATCH_TOO_LARGE, 413 QUOTA_EXCEEDED), a refusal of
 * one change is in the answer's results.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { CLOUD_PAGE_MAX, CloudLeaseRequest, CloudUpload, DeviceId } from '../../engine/protocol/cloud';
import { formatHlc } from '../../engine/core/cloud/hlc';
import type { Accounts, Authenticated } from '../accounts/accounts';
import { HttpFailure, parse } from '../http/errors';
import { CloudRefused, type CloudLog } from './cloud-log';
import type { CloudLeases } from './cloud-leases';

export interface CloudRouteDeps {
  accounts: Accounts;
  cloud: CloudLog;
  leases: CloudLeases;
  now: () => number;
}

const PullQuery = z.object({
  after: z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER).default(0),
  limit: z.coerce.number().int().min(1).max(CLOUD_PAGE_MAX).default(1_000),
  device: DeviceId,
  name: z.string().min(1).max(60),
});
const DeviceParams = z.object({ id: DeviceId });

export function registerCloudRoutes(app: FastifyInstance, d: CloudRouteDeps): void {
  const authed = (req: FastifyRequest): Authenticated => {
    const h = req.headers.authorization;
    if (typeof h === 'string' && h.startsWith('Bearer ')) return d.accounts.authenticate(h.slice(7));
    throw new HttpFailure(401, 'NOT_AUTHENTICATED', 'send "Authorization: Bearer <access token>"');
  };
  // The server's clock as a stamp (node "server"): a device takes it in, so its next stamps follow it.
  const serverHlc = () => formatHlc({ wall: d.now(), counter: 0, node: 'server' });

  app.post('/api/v1/cloud/changes', async (req) => {
    const a = authed(req);
    const body = parse(CloudUpload, req.body);
    try {
      return { ...d.cloud.upload(a.id, a.sessionId, body.device, body.changes), serverHlc: serverHlc() };
    } catch (err) {
      if (err instanceof CloudRefused) throw new HttpFailure(err.status, err.code, err.message);
      throw err;
    }
  });
  app.get('/api/v1/cloud/changes', async (req, reply) => {
    const a = authed(req);
    const q = parse(PullQuery, req.query);
    const page = d.cloud.pullJson(a.id, a.sessionId, { id: q.device, name: q.name }, q.after, q.limit);
    return reply
      .type('application/json; charset=utf-8')
      .send(`${page.slice(0, -1)},"serverHlc":${JSON.stringify(serverHlc())}}`);
  });
  app.post('/api/v1/cloud/leases', async (req) => {
    const a = authed(req);
    const body = parse(CloudLeaseRequest, req.body);
    try {
      return d.leases.request(a.id, a.sessionId, body.device, body.portfolio, body.takeOver);
    } catch (err) {
      if (err instanceof CloudRefused) throw new HttpFailure(err.status, err.code, err.message);
      throw err;
    }
  });
  app.get('/api/v1/cloud/leases', async (req) => {
    const a = authed(req);
    return { items: d.leases.list(a.id) };
  });
  app.get('/api/v1/cloud/devices', async (req) => {
    const a = authed(req);
    return { items: d.cloud.devices(a.id).map(({ familyId: _, ...row }) => row) };
  });
  // Ends the device's sign-in: its sessions are revoked (its sockets close); it keeps its data.
  app.delete('/api/v1/cloud/devices/:id', async (req) => {
    const a = authed(req);
    const { id } = parse(DeviceParams, req.params);
    const device = d.cloud.devices(a.id).find((x) => x.id === id);
    if (!device) throw new HttpFailure(404, 'UNKNOWN_DEVICE', `no device ${id} synced with this account`);
    if (device.familyId !== null) d.accounts.signOutFamily(a.id, device.familyId);
    return { items: d.cloud.devices(a.id).map(({ familyId: _, ...row }) => row) };
  });
}
