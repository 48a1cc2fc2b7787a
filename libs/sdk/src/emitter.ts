/** A minimal typed event emitter that runs in browsers and Node alike. */
/* A mapped constraint rather than an index signature, so event-map interfaces fit. */
export class Emitter<Events extends { [K in keyof Events]: (payload: any) => void }> {
  private readonly handlers = new Map<keyof Events, Set<Events[keyof Events]>>();

  on<E extends keyof Events>(event: E, handler: Events[E]): void {
    let set = this.handlers.get(event);
    if (!set) this.handlers.set(event, (set = new Set()));
    set.add(handler);
  }

  off<E extends keyof Events>(event: E, handler: Events[E]): void {
    this.handlers.get(event)?.delete(handler);
  }

  emit<E extends keyof Events>(event: E, payload: Parameters<Events[E]>[0]): void {
    for (const handler of this.handlers.get(event) ?? []) {
      try {
        handler(payload);
      } catch (error) {
        // One failing handler must not starve the others; surface it asynchronously.
        setTimeout(() => {
          throw error;
        });
      }
    }
  }
}
