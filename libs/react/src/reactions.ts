/** The reactions the picker offers, as the seed names them (`:thumbsup:`), with how they look. */
export const REACTIONS: Record<string, string> = {
  ':thumbsup:': '👍',
  ':heart:': '❤️',
  ':joy:': '😂',
  ':tada:': '🎉',
  ':open_mouth:': '😮',
  ':eyes:': '👀',
};

/** How a reaction type shows: its emoji when known, else the type itself. */
export const reactionLabel = (type: string) => REACTIONS[type] ?? type;
