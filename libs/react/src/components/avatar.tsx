/** Initials on a colour derived from the user's id (no image loads, no layout shift), with an online dot. */
const initials = (name: string) =>
  name
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((word) => [...word][0]!.toUpperCase())
    .join('') || '?';

function hue(id: string): number {
  let hash = 0;
  for (const char of id) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return hash % 360;
}

export function Avatar({ id, name, online }: { id: string; name: string; online?: boolean }) {
  return (
    <span className="heyyo-avatar" style={{ background: `hsl(${hue(id)} 55% 45%)` }} aria-hidden="true">
      {initials(name)}
      {online ? <span className="heyyo-online-dot" /> : null}
    </span>
  );
}
