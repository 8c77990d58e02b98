/**
 * `/__admin` (loopback only): reset, seed, place and ship orders, sent e-mails, request log,
 * faults, live settings and the async consumer. Not part of Magento; JSON in, JSON out.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { MagentoHttpError } from './errors.js';
import type { FaultConfig } from './faults.js';
import { applySeed, generateShop, type SeedInput } from './seed.js';
import { cancelOrder, createShipment, editOrder, placeOrder, renderOrder } from './sales.js';
import { sendDocumentEmail } from './mail.js';
import type { EmulatorRuntime } from './server.js';
import { send } from './server.js';
import { isPlainObject } from './util.js';
import type { Json } from './state.js';

/** 127.0.0.0/8 and ::1, also as IPv4-mapped IPv6 addresses. */
const isLoopback = (address: string | undefined): boolean => address === '::1' || /^(::ffff:)?127\./.test(address ?? '');

const SETTABLE = [
  'enableIntegrationAsBearer', 'asyncConsumer', 'twoFactorAuth', 'twoFactorRefusalStatus', 'sourceItemsBatchLimit', 'attachmentMaxBytes', 'icsyncModule',
  'unknownSkuSourceItems', 'unknownOrderFilterField', 'productListStockItem',
] as const;

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text.trim() === '' ? {} : (JSON.parse(text) as unknown);
}

export async function handleAdmin(rt: EmulatorRuntime, req: IncomingMessage, res: ServerResponse, method: string, path: string, query: string): Promise<void> {
  // The hooks can reset the shop and read every e-mail: nothing but this machine may use them.
  if (!isLoopback(req.socket.remoteAddress)) {
    send(res, 404, { message: 'Request does not match any route.' });
    return;
  }
  try {
    const body = method === 'GET' ? {} : await readJson(req);
    const input = (isPlainObject(body) ? body : {}) as Json;
    const route = `${method} ${path.replace(/\/\d+(?=\/|$)/g, '/:id')}`;
    const id = Number(/\/(\d+)(?=\/|$)/.exec(path)?.[1]);
    switch (route) {
      case 'POST /__admin/reset':
        rt.reset();
        if (input.seed !== undefined) applySeed(rt.state, input.seed as SeedInput, rt.settings.storeViews);
        return send(res, 200, { ok: true });
      case 'POST /__admin/seed': {
        const counts = input.generate !== undefined && Object.keys(input).length === 1
          ? generateShop(rt.state, input.generate as Json)
          : applySeed(rt.state, (input.seed ?? input) as SeedInput, rt.settings.storeViews);
        return send(res, 200, counts);
      }
      case 'POST /__admin/orders': {
        const order = placeOrder(rt.state, input);
        rt.announceOrder('placed', Number((order.data as { entity_id?: unknown }).entity_id));
        return send(res, 200, renderOrder(order));
      }
      case 'POST /__admin/orders/:id/edit': {
        // The body is the edited order, as for POST /__admin/orders; the answer is the new order.
        const edited = editOrder(rt.state, id, input);
        return send(res, 200, renderOrder(edited));
      }
      case 'POST /__admin/orders/:id/cancel':
        return send(res, 200, { canceled: cancelOrder(rt.state, id), order: renderOrder(rt.state.orders.get(id) as never) });
      case 'POST /__admin/orders/:id/ship': {
        const shipmentId = createShipment(rt.state, id, input, (kind, sid) => { sendDocumentEmail(rt.state, kind, sid); });
        rt.announceOrder('shipped', id);
        return send(res, 200, { shipment_id: shipmentId, order: renderOrder(rt.state.orders.get(id) as never) });
      }
      case 'GET /__admin/emails':
        return send(res, 200, rt.state.emails.map((e) => ({ id: e.id, kind: e.kind, to: e.to, subject: e.subject, entity_id: e.entityId, order_id: e.orderId, sent_at: e.sentAt, attachments: e.attachments })));
      case 'DELETE /__admin/emails':
        rt.state.emails.length = 0;
        return send(res, 200, { ok: true });
      case 'GET /__admin/requests': {
        const limit = Number(new URLSearchParams(query).get('limit') ?? '0');
        return send(res, 200, limit > 0 ? rt.requests.slice(-limit) : rt.requests);
      }
      case 'DELETE /__admin/requests':
        rt.requests.length = 0;
        return send(res, 200, { ok: true });
      case 'PUT /__admin/faults':
        rt.faults.set(input as FaultConfig);
        return send(res, 200, rt.faults.current());
      case 'GET /__admin/faults':
        return send(res, 200, rt.faults.current());
      case 'DELETE /__admin/faults':
        rt.faults.set({});
        return send(res, 200, { ok: true });
      case 'GET /__admin/settings':
        return send(res, 200, publicSettings(rt));
      case 'PUT /__admin/settings': {
        const settings = rt.settings as unknown as Record<string, unknown>;
        for (const key of SETTABLE) if (key in input) settings[key] = input[key];
        if (input.asyncConsumer === true) await rt.runConsumer();
        return send(res, 200, publicSettings(rt));
      }
      case 'POST /__admin/consumer/run':
        return send(res, 200, { processed: await rt.runConsumer() });
      case 'GET /__admin/state':
        return send(res, 200, {
          products: rt.state.products.size, customers: rt.state.customers.size, orders: rt.state.orders.size, invoices: rt.state.invoices.size,
          shipments: rt.state.shipments.size, bulks: rt.state.bulks.size, emails: rt.state.emails.length,
          reservations: Object.fromEntries([...rt.state.reservations].filter(([, v]) => v !== '0')),
        });
      default:
        return send(res, 404, { message: 'Request does not match any route.' });
    }
  } catch (error) {
    if (error instanceof MagentoHttpError) return send(res, error.status, error.body);
    return send(res, 400, { message: error instanceof Error ? error.message : String(error) });
  }
}

function publicSettings(rt: EmulatorRuntime): Json {
  const s = rt.settings;
  return {
    version: s.version, enableIntegrationAsBearer: s.enableIntegrationAsBearer, asyncConsumer: s.asyncConsumer, twoFactorAuth: s.twoFactorAuth,
    twoFactorRefusalStatus: s.twoFactorRefusalStatus, sourceItemsBatchLimit: s.sourceItemsBatchLimit, attachmentMaxBytes: s.attachmentMaxBytes, icsyncModule: s.icsyncModule,
    unknownSkuSourceItems: s.unknownSkuSourceItems, unknownOrderFilterField: s.unknownOrderFilterField, productListStockItem: s.productListStockItem,
    paging: s.paging, oauthAlgorithm: s.oauthAlgorithm, oauthMethods: s.oauthMethods, storeViews: s.storeViews, sourceCodes: s.sourceCodes,
  };
}
