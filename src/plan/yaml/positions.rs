//! Where each node starts, found by path (`phases[0].steps[2].request.url`) when asked:
//! loaders ask for steps and errors only, so the index keeps a small tree (position,
//! key, children) instead of a formatted path per node.

use super::events::{Event, Kind};

/// A map entry is located at its key, a list item at its first character.
#[derive(Debug, Default, Clone)]
pub struct Positions {
    /// Node 0 is the document's root (when there is one).
    nodes: Vec<Node>,
    /// The children of every map and list, each's a contiguous run.
    children: Vec<u32>,
    /// The map keys, one after the other.
    keys: String,
}

#[derive(Debug, Clone)]
struct Node {
    line: u32,
    column: u32,
    /// This node's key in `keys` (empty for list items and the root).
    key: (u32, u32),
    /// Its children in `children`.
    first: u32,
    count: u32,
}

/// An open map or list while building: its node and where its children start in
/// the pending list; for a map, the key read and not yet given its value.
struct Open {
    node: u32,
    pending_from: usize,
    is_map: bool,
    key: Option<((u32, u32), (u32, u32))>,
}

impl Positions {
    pub(super) fn new(events: &[Event]) -> Positions {
        // About half the events are nodes (the others keys and ends): sized once.
        let mut pos = Positions {
            nodes: Vec::with_capacity(events.len() / 2 + 1),
            children: Vec::with_capacity(events.len() / 2),
            keys: String::with_capacity(events.len() * 2),
        };
        let mut open: Vec<Open> = Vec::with_capacity(16);
        let mut pending: Vec<u32> = Vec::with_capacity(64);
        // Non-scalar keys (never in plans) are skipped with everything in them.
        let mut skip_depth = 0usize;
        let mut skipped_at = &Event {
            kind: Kind::SeqEnd,
            line: 1,
            column: 1,
        };
        for event in events {
            if skip_depth > 0 {
                match event.kind {
                    Kind::MapStart { .. } | Kind::SeqStart { .. } => skip_depth += 1,
                    Kind::MapEnd | Kind::SeqEnd => skip_depth -= 1,
                    _ => {}
                }
                if skip_depth == 0 {
                    pos.key_done(&mut open, "?", skipped_at);
                }
                continue;
            }
            let here = (event.line, event.column);
            let container = match &event.kind {
                Kind::MapEnd | Kind::SeqEnd => {
                    if let Some(done) = open.pop() {
                        let node = &mut pos.nodes[done.node as usize];
                        node.first = pos.children.len() as u32;
                        node.count = (pending.len() - done.pending_from) as u32;
                        pos.children.extend(pending.drain(done.pending_from..));
                    }
                    continue;
                }
                Kind::MapStart { .. } => Some(true),
                Kind::SeqStart { .. } => Some(false),
                Kind::Scalar { .. } | Kind::Alias(_) => None,
            };
            // A key of the innermost map: remember it, its value comes next.
            if open.last().is_some_and(|o| o.is_map && o.key.is_none()) {
                match &event.kind {
                    Kind::Scalar { value, .. } => pos.key_done(&mut open, value, event),
                    Kind::Alias(_) => pos.key_done(&mut open, "*", event),
                    _ => {
                        skip_depth = 1;
                        skipped_at = event;
                    }
                }
                continue;
            }
            let (at, key) = match open.last_mut() {
                Some(Open { key, .. }) => match key.take() {
                    Some((at, key)) => (at, key),
                    None => (here, (0, 0)),
                },
                None => ((1, 1), (0, 0)),
            };
            let index = pos.nodes.len() as u32;
            pos.nodes.push(Node {
                line: at.0,
                column: at.1,
                key,
                first: 0,
                count: 0,
            });
            if !open.is_empty() {
                pending.push(index);
            }
            if let Some(is_map) = container {
                open.push(Open {
                    node: index,
                    pending_from: pending.len(),
                    is_map,
                    key: None,
                });
            }
        }
        pos
    }

    /// The innermost map's key is `key`, written at `event`.
    fn key_done(&mut self, open: &mut [Open], key: &str, event: &Event) {
        let start = self.keys.len() as u32;
        self.keys.push_str(key);
        if let Some(map) = open.last_mut() {
            map.key = Some(((event.line, event.column), (start, key.len() as u32)));
        }
    }

    /// Line and column of `path`, or of its nearest located ancestor.
    pub fn locate(&self, path: &str) -> (u32, u32) {
        let Some(mut node) = self.nodes.first() else {
            return (1, 1);
        };
        let mut rest = path;
        loop {
            let next = if let Some(inner) = rest.strip_prefix('[') {
                let Some((index, after)) = inner.split_once(']') else {
                    break;
                };
                let Ok(index) = index.parse::<u32>() else {
                    break;
                };
                rest = after;
                (index < node.count).then(|| self.child(node, index))
            } else {
                let segment = rest.strip_prefix('.').unwrap_or(rest);
                if segment.is_empty() {
                    break;
                }
                // Keys may hold `.` or `[` themselves: take the longest key that
                // the path continues from.
                let found = (0..node.count)
                    .map(|i| self.child(node, i))
                    .filter(|c| {
                        let key = self.key(c);
                        !key.is_empty()
                            && segment.starts_with(key)
                            && matches!(segment.as_bytes().get(key.len()), None | Some(b'.' | b'['))
                    })
                    .max_by_key(|c| c.key.1);
                if let Some(c) = found {
                    rest = &segment[self.key(c).len()..];
                }
                found
            };
            match next {
                Some(child) => node = child,
                None => break,
            }
            if rest.is_empty() {
                break;
            }
        }
        (node.line, node.column)
    }

    fn child(&self, node: &Node, i: u32) -> &Node {
        &self.nodes[self.children[(node.first + i) as usize] as usize]
    }

    fn key(&self, node: &Node) -> &str {
        let (start, len) = node.key;
        &self.keys[start as usize..(start + len) as usize]
    }
}
