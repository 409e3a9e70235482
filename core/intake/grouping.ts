/**
 * Threading for a batch, in memory: which new messages belong together and to which stored conversations.
 * The links are those of core/conversations/threading.ts, each a property of a pair of messages (a shared
 * thread key, or the same customer and subject within the window where one of the two names no parent),
 * so a reply and its parent in the same batch join, and the grouping is the same whatever the order of the
 * messages or the size of the batches they come in.
 */
import { subjectCanThread } from '../conversations/threading.ts';

export interface GroupingMessage {
  keys: string[];
  subjectOnly: boolean;
  customerId: number | null;
  normalizedSubject: string;
  date: number;
}

/** A stored message that may link by subject (see subjectCandidates in apply). */
export interface SubjectCandidate {
  conversationId: number;
  customerId: number;
  normalizedSubject: string;
  date: number;
  subjectOnly: boolean;
}

export interface Group {
  /** Indexes into the batch, oldest message first. */
  messages: number[];
  /** Stored conversations the group links to, strongest link first (a message's keys in order, then subjects by time). */
  conversations: number[];
  /** Per message of the group: the stored conversations it links to itself, strongest first. */
  links: Map<number, number[]>;
}

export function groupBatch(messages: readonly GroupingMessage[], keyOwners: ReadonlyMap<string, number>, candidates: readonly SubjectCandidate[], windowMs: number): Group[] {
  const parent = messages.map((_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) {
      parent[i] = parent[parent[i]!]!;
      i = parent[i]!;
    }
    return i;
  };
  const union = (a: number, b: number) => {
    const [ra, rb] = [find(a), find(b)];
    if (ra !== rb) parent[Math.max(ra, rb)] = Math.min(ra, rb);
  };

  // Stored conversations join the union-find as nodes after the messages.
  const conversationNode = new Map<number, number>();
  const nodeOf = (conversationId: number) => {
    let node = conversationNode.get(conversationId);
    if (node === undefined) {
      node = parent.length;
      parent.push(node);
      conversationNode.set(conversationId, node);
    }
    return node;
  };

  const firstWithKey = new Map<string, number>();
  const links = messages.map(() => [] as number[]);
  const link = (i: number, conversationId: number) => {
    if (!links[i]!.includes(conversationId)) links[i]!.push(conversationId);
    union(i, nodeOf(conversationId));
  };
  messages.forEach((m, i) => {
    for (const key of m.keys) {
      const owner = keyOwners.get(key);
      if (owner !== undefined) link(i, owner);
      const other = firstWithKey.get(key);
      if (other === undefined) firstWithKey.set(key, i);
      else union(i, other);
    }
  });

  const bySubject = new Map<string, number[]>();
  messages.forEach((m, i) => {
    if (m.customerId === null || !subjectCanThread(m.normalizedSubject)) return;
    const k = subjectKey(m.customerId, m.normalizedSubject);
    bySubject.set(k, [...(bySubject.get(k) ?? []), i]);
  });
  const near = (a: { date: number }, b: { date: number }) => Math.abs(a.date - b.date) <= windowMs;
  for (const group of bySubject.values()) {
    for (let x = 0; x < group.length; x++) {
      for (let y = x + 1; y < group.length; y++) {
        const [a, b] = [messages[group[x]!]!, messages[group[y]!]!];
        if ((a.subjectOnly || b.subjectOnly) && near(a, b)) union(group[x]!, group[y]!);
      }
    }
  }
  const candidatesBySubject = new Map<string, SubjectCandidate[]>();
  for (const c of candidates) {
    const k = subjectKey(c.customerId, c.normalizedSubject);
    candidatesBySubject.set(k, [...(candidatesBySubject.get(k) ?? []), c]);
  }
  for (const [k, group] of bySubject) {
    for (const i of group) {
      const m = messages[i]!;
      const linked = (candidatesBySubject.get(k) ?? []).filter((c) => (m.subjectOnly || c.subjectOnly) && near(m, c));
      // Nearest in time first: the strongest subject link is the conversation going on when they wrote.
      linked.sort((a, b) => Math.abs(a.date - m.date) - Math.abs(b.date - m.date) || a.conversationId - b.conversationId);
      for (const c of linked) link(i, c.conversationId);
    }
  }

  const groups = new Map<number, number[]>();
  messages.forEach((_, i) => {
    const root = find(i);
    groups.set(root, [...(groups.get(root) ?? []), i]);
  });
  return [...groups.values()].map((members) => {
    const ordered = [...members].sort((a, b) => messages[a]!.date - messages[b]!.date || a - b);
    const conversations: number[] = [];
    for (const i of ordered) for (const c of links[i]!) if (!conversations.includes(c)) conversations.push(c);
    return { messages: ordered, conversations, links: new Map(ordered.map((i) => [i, links[i]!])) };
  });
}

function subjectKey(customerId: number, subject: string): string {
  return `${customerId}\u0000${subject}`;
}
