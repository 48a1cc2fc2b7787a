import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Errors, type WorkGate } from '@heyyo/chat';

/**
 * Every `/api/` request holds a place in the node's work gate from its arrival to its response
 * (or its abort); past the bound it is refused at once with 503 HEYYO_ERR_OVERLOADED and
 * `retry-after`, before authentication or any query. Probes, metrics and docs are not counted:
 * a saturated node must still say so.
 */
export function registerWorkGate(app: FastifyInstance, gate: WorkGate): void {
  const places = new WeakMap<FastifyRequest, () => void>();
  const release = async (request: FastifyRequest) => {
    places.get(request)?.();
    places.delete(request);
  };
  app.addHook('onRequest', async (request) => {
    if (!request.url.startsWith('/api/')) return;
    const place = gate.enter();
    if (!place) throw Errors.overloaded();
    places.set(request, place);
  });
  app.addHook('onResponse', release);
  app.addHook('onRequestAbort', release);
}
