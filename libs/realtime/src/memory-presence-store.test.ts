/** The memory engine's presence store against the PresenceStore contract (the Redis store runs it in test/integration). */
import { createMemoryPresenceStore } from './memory-presence-store.ts';
import { describePresenceStore } from '../../../test/contracts/presence-store.contract.ts';

describePresenceStore('memory', (options) => createMemoryPresenceStore(options), { propertyRuns: 300 });
