/**
 * The kit's stylesheet: plain CSS on `heyyo-*` classes, themed by CSS variables (override any of
 * them on `.heyyo` or an ancestor). Injected once by HeyyoProvider, so the seed's snippet needs no
 * CSS import; `injectStyles={false}` leaves it out.
 */
export const heyyoStyles = `
.heyyo{display:contents;--heyyo-bg:#fff;--heyyo-panel:#f6f7f9;--heyyo-text:#1c1e21;--heyyo-muted:#6b7280;--heyyo-border:#e3e5e8;
--heyyo-accent:#4f46e5;--heyyo-accent-text:#fff;--heyyo-mine:#eef2ff;--heyyo-hover:#eceef2;--heyyo-danger:#b42318;--heyyo-online:#16a34a;
--heyyo-radius:8px;--heyyo-font:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
@media (prefers-color-scheme:dark){.heyyo:not([data-theme=light]){--heyyo-bg:#17181c;--heyyo-panel:#1f2126;--heyyo-text:#e8e9ec;
--heyyo-muted:#9aa0aa;--heyyo-border:#30333a;--heyyo-accent:#818cf8;--heyyo-accent-text:#0b0c10;--heyyo-mine:#272a3d;--heyyo-hover:#2a2d34;--heyyo-danger:#f97066}}
.heyyo[data-theme=dark]{--heyyo-bg:#17181c;--heyyo-panel:#1f2126;--heyyo-text:#e8e9ec;--heyyo-muted:#9aa0aa;--heyyo-border:#30333a;
--heyyo-accent:#818cf8;--heyyo-accent-text:#0b0c10;--heyyo-mine:#272a3d;--heyyo-hover:#2a2d34;--heyyo-danger:#f97066}
.heyyo-channel-list,.heyyo-chat{font-family:var(--heyyo-font);color:var(--heyyo-text);font-size:14px;box-sizing:border-box;min-height:0}
.heyyo-channel-list *,.heyyo-chat *{box-sizing:border-box}
.heyyo button,.heyyo input,.heyyo textarea{font:inherit;color:inherit}
.heyyo-channel-list{background:var(--heyyo-panel);border-right:1px solid var(--heyyo-border);display:flex;flex-direction:column;gap:8px;padding:12px;overflow:auto;height:100%}
.heyyo-heading{font-size:15px;font-weight:650;margin:0}
.heyyo-channels{display:flex;flex-direction:column;gap:2px}
.heyyo-channel{display:flex;flex-direction:column;align-items:stretch;text-align:left;border:0;background:none;padding:8px 10px;border-radius:var(--heyyo-radius);cursor:pointer;gap:2px}
.heyyo-channel:hover{background:var(--heyyo-hover)}
.heyyo-channel[aria-current=true]{background:var(--heyyo-accent);color:var(--heyyo-accent-text)}
.heyyo-channel:focus-visible,.heyyo button:focus-visible,.heyyo textarea:focus-visible,.heyyo input:focus-visible{outline:2px solid var(--heyyo-accent);outline-offset:1px}
.heyyo-channel-name{font-weight:600;display:flex;align-items:center;gap:6px}
.heyyo-channel-details{display:flex;align-items:center;gap:6px;font-size:12.5px;opacity:.8}
.heyyo-channel-preview{flex:1;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
.heyyo-badge{background:var(--heyyo-danger);color:#fff;border-radius:999px;padding:0 7px;font-size:11.5px;font-weight:700;line-height:18px}
.heyyo-muted{color:var(--heyyo-muted);font-size:12.5px;margin:0}
.heyyo-error{color:var(--heyyo-danger);font-size:12.5px;margin:4px 0}
.heyyo-link{background:none;border:0;color:var(--heyyo-accent);cursor:pointer;padding:2px 0;text-align:left;font-size:12.5px}
.heyyo-create,.heyyo-link-draft{display:flex;gap:6px;flex-wrap:wrap}
.heyyo-create input,.heyyo-link-draft input{flex:1;min-width:0;padding:6px 8px;border:1px solid var(--heyyo-border);border-radius:var(--heyyo-radius);background:var(--heyyo-bg)}
.heyyo-create button,.heyyo-discover button:not(.heyyo-link),.heyyo-link-draft button,.heyyo-send,.heyyo-edit button{border:0;border-radius:var(--heyyo-radius);background:var(--heyyo-accent);color:var(--heyyo-accent-text);padding:6px 12px;cursor:pointer;font-weight:600}
.heyyo-discover{display:flex;flex-direction:column;gap:6px}
.heyyo-discover-item{display:flex;justify-content:space-between;align-items:center;gap:6px}
.heyyo-chat{display:flex;height:100%;background:var(--heyyo-bg);min-width:0}
.heyyo-chat-main{display:flex;flex-direction:column;flex:1;min-width:0;min-height:0}
.heyyo-chat-header{display:flex;align-items:baseline;gap:10px;padding:12px 16px;border-bottom:1px solid var(--heyyo-border)}
.heyyo-banner{display:none;padding:6px 16px;font-size:12.5px;background:var(--heyyo-hover)}
.heyyo-banner-shown{display:block}
.heyyo-banner[data-state=connected]{background:#dcfce7;color:#14532d}
.heyyo-scroll{flex:1;overflow-y:auto;position:relative;min-height:0;overscroll-behavior:contain;display:flex;flex-direction:column}
.heyyo-log{position:relative;width:100%;flex:none;margin-top:auto}
.heyyo-row{position:absolute;top:0;left:0;width:100%}
.heyyo-loading-older{position:absolute;top:0;width:100%;text-align:center;font-size:12px;color:var(--heyyo-muted);z-index:1}
.heyyo-empty,.heyyo-empty-state{padding:24px;text-align:center;color:var(--heyyo-muted)}
.heyyo-empty-state{margin:auto}
.heyyo-day,.heyyo-new-marker{display:flex;align-items:center;gap:8px;padding:8px 16px;font-size:12px;color:var(--heyyo-muted)}
.heyyo-day::before,.heyyo-day::after,.heyyo-new-marker::before,.heyyo-new-marker::after{content:"";flex:1;border-top:1px solid var(--heyyo-border)}
.heyyo-new-marker{color:var(--heyyo-danger);font-weight:600}
.heyyo-new-marker::before,.heyyo-new-marker::after{border-color:var(--heyyo-danger)}
.heyyo-message{display:flex;gap:10px;padding:4px 16px;position:relative}
.heyyo-message:not(.heyyo-grouped){padding-top:8px}
.heyyo-message:hover{background:var(--heyyo-hover)}
.heyyo-mine .heyyo-message-body{background:var(--heyyo-mine);border-radius:var(--heyyo-radius);padding:2px 8px;flex:0 1 auto}
.heyyo-avatar,.heyyo-avatar-space{flex:none;width:34px;height:34px}
.heyyo-avatar{border-radius:50%;color:#fff;display:inline-flex;align-items:center;justify-content:center;font-size:13px;font-weight:700;position:relative}
.heyyo-avatar-space{height:0}
.heyyo-online-dot{width:9px;height:9px;border-radius:50%;background:var(--heyyo-online);border:2px solid var(--heyyo-bg);position:absolute;right:-1px;bottom:-1px}
.heyyo-online-dot.heyyo-inline{position:static;border:0}
.heyyo-message-body{min-width:0;flex:1 1 auto;max-width:100%}
.heyyo-message-header{display:flex;gap:8px;align-items:baseline}
.heyyo-author{font-weight:650}
.heyyo-message-header time{font-size:11.5px;color:var(--heyyo-muted)}
.heyyo-text{margin:2px 0;white-space:pre-wrap;overflow-wrap:anywhere}
.heyyo-deleted{font-style:italic;color:var(--heyyo-muted)}
.heyyo-edited{font-size:11.5px;color:var(--heyyo-muted)}
.heyyo-pending .heyyo-text{opacity:.65}
.heyyo-failed .heyyo-message-body{outline:1px solid var(--heyyo-danger)}
.heyyo-attachments{display:flex;flex-wrap:wrap;gap:6px;margin:4px 0}
.heyyo-attachment-image{max-width:240px;max-height:180px;border-radius:var(--heyyo-radius)}
.heyyo-attachment-link{color:var(--heyyo-accent);overflow-wrap:anywhere}
.heyyo-reactions{display:flex;flex-wrap:wrap;gap:4px;margin:4px 0}
.heyyo-reaction{border:1px solid var(--heyyo-border);background:var(--heyyo-bg);border-radius:999px;padding:0 8px;cursor:pointer;font-size:13px}
.heyyo-reaction[aria-pressed=true]{border-color:var(--heyyo-accent);background:var(--heyyo-mine)}
.heyyo-actions{position:absolute;right:12px;top:-10px;display:none;gap:2px;background:var(--heyyo-bg);border:1px solid var(--heyyo-border);border-radius:var(--heyyo-radius);padding:2px}
.heyyo-message:hover .heyyo-actions,.heyyo-actions:focus-within{display:flex}
.heyyo-actions button,.heyyo-picker button,.heyyo-composer-row button[aria-label]{border:0;background:none;cursor:pointer;padding:4px 6px;border-radius:6px;display:inline-flex;align-items:center;color:var(--heyyo-muted)}
.heyyo-actions button:hover,.heyyo-picker button:hover{background:var(--heyyo-hover)}
.heyyo-picker{position:absolute;right:0;top:28px;display:flex;gap:2px;background:var(--heyyo-bg);border:1px solid var(--heyyo-border);border-radius:var(--heyyo-radius);padding:4px;z-index:2;box-shadow:0 4px 16px rgb(0 0 0/.12)}
.heyyo-edit{display:flex;flex-direction:column;gap:4px}
.heyyo-edit textarea,.heyyo-composer textarea{resize:none;border:1px solid var(--heyyo-border);border-radius:var(--heyyo-radius);padding:8px 10px;background:var(--heyyo-bg);width:100%}
.heyyo-typing{min-height:20px;padding:0 16px;font-size:12.5px;color:var(--heyyo-muted);font-style:italic}
.heyyo-composer{padding:8px 16px 14px;display:flex;flex-direction:column;gap:6px}
.heyyo-composer-row{display:flex;gap:8px;align-items:flex-end}
.heyyo-composer-row textarea{flex:1;max-height:160px;field-sizing:content}
.heyyo-links{list-style:none;margin:0;padding:0;font-size:12.5px}
.heyyo-thread{width:min(380px,40%);border-left:1px solid var(--heyyo-border);display:flex;flex-direction:column;background:var(--heyyo-bg)}
.heyyo-thread-header{display:flex;justify-content:space-between;align-items:center;padding:10px 16px;border-bottom:1px solid var(--heyyo-border)}
.heyyo-thread-header h3{margin:0;font-size:15px}
.heyyo-thread-header button{border:0;background:none;font-size:18px;cursor:pointer}
.heyyo-thread-body{flex:1;overflow-y:auto;padding:8px 0}
`;

/** Adds the stylesheet to the document once (not on the server: there is no document). */
export function injectStyles(): void {
  if (typeof document === 'undefined' || document.querySelector('style[data-heyyo]')) return;
  const style = document.createElement('style');
  style.setAttribute('data-heyyo', '');
  style.textContent = heyyoStyles;
  document.head.prepend(style);
}
