//! Finding the line of a JSON pointer in YAML (or JSON) source text, for diagnostics.
//!
//! `serde_yaml` gives values without positions, so when a diagnostic needs a line we re-read
//! the file as a stream of YAML events, which carry positions, and follow the pointer.

use jsonptr::Pointer;
use yaml_rust2::parser::{Event, Parser};

enum Frame {
    Map { key: Option<String>, expecting_key: bool },
    Seq { next: usize },
}

/// The 1-based line of the node at `pointer`, or of its deepest existing ancestor.
#[cfg(test)]
pub(crate) fn line_of(text: &str, pointer: &Pointer) -> Option<usize> {
    lines_of(text, &[pointer]).pop().flatten()
}

/// What is known of one pointer while the events go by.
struct Target {
    tokens: Vec<String>,
    /// How many leading tokens the current path shares with `tokens`.
    matched: usize,
    /// The line of the node itself, once seen.
    found: Option<usize>,
    /// The line of its deepest ancestor seen so far.
    best: Option<usize>,
}

/// The line of each pointer's node (or of its deepest existing ancestor), in one read of
/// `text`: a file with many diagnostics is parsed once, not once per diagnostic.
pub(crate) fn lines_of(text: &str, pointers: &[&Pointer]) -> Vec<Option<usize>> {
    let mut targets: Vec<Target> = pointers
        .iter()
        .map(|p| Target {
            tokens: p.tokens().map(|t| t.decoded().into_owned()).collect(),
            matched: 0,
            found: None,
            best: None,
        })
        .collect();
    let done = |targets: Vec<Target>| targets.into_iter().map(|t| t.found.or(t.best)).collect();
    let mut parser = Parser::new_from_str(text);
    let mut stack: Vec<Frame> = Vec::new();
    let mut path: Vec<String> = Vec::new();
    let mut open = targets.len();
    while open > 0 {
        let Ok((event, mark)) = parser.next_token() else { return vec![None; pointers.len()] };
        let is_node =
            matches!(event, Event::Scalar(..) | Event::MappingStart(..) | Event::SequenceStart(..) | Event::Alias(_));
        if is_node {
            let in_map = matches!(stack.last(), Some(Frame::Map { .. }));
            let token = match stack.last_mut() {
                Some(Frame::Map { key, expecting_key }) if *expecting_key => {
                    if let Event::Scalar(s, ..) = &event {
                        *key = Some(s.clone());
                        *expecting_key = false;
                        let depth = path.len();
                        for t in targets.iter_mut().filter(|t| t.found.is_none()) {
                            if t.matched == depth && t.tokens.get(depth) == Some(s) {
                                if depth + 1 == t.tokens.len() {
                                    t.found = Some(mark.line());
                                    open -= 1;
                                } else {
                                    t.best = Some(mark.line());
                                }
                            }
                        }
                    }
                    continue;
                }
                Some(Frame::Map { key, expecting_key }) => {
                    *expecting_key = true;
                    key.take()
                }
                Some(Frame::Seq { next }) => {
                    *next += 1;
                    Some((*next - 1).to_string())
                }
                None => None,
            };
            let depth = path.len() + usize::from(token.is_some());
            for t in targets.iter_mut().filter(|t| t.found.is_none()) {
                let on_target = depth <= t.tokens.len()
                    && t.matched == path.len()
                    && token.as_ref().is_none_or(|tok| *tok == t.tokens[path.len()]);
                if on_target {
                    if depth == t.tokens.len() {
                        t.found = Some(mark.line());
                        open -= 1;
                    } else if !in_map {
                        t.best = Some(mark.line());
                    }
                }
            }
            if let Event::MappingStart(..) | Event::SequenceStart(..) = event {
                let frame = if matches!(event, Event::MappingStart(..)) {
                    Frame::Map { key: None, expecting_key: true }
                } else {
                    Frame::Seq { next: 0 }
                };
                stack.push(frame);
                if let Some(tok) = token {
                    let depth = path.len();
                    for t in &mut targets {
                        if t.matched == depth && t.tokens.get(depth) == Some(&tok) {
                            t.matched = depth + 1;
                        }
                    }
                    path.push(tok);
                }
            }
        } else {
            match event {
                Event::MappingEnd | Event::SequenceEnd => {
                    stack.pop();
                    if !stack.is_empty() {
                        path.pop();
                        let depth = path.len();
                        for t in &mut targets {
                            t.matched = t.matched.min(depth);
                        }
                    }
                }
                Event::StreamEnd => break,
                _ => {}
            }
        }
    }
    done(targets)
}

#[cfg(test)]
mod tests {
    use super::*;

    const YAML: &str = "openapi: 3.1.0\npaths:\n  /a:\n    get:\n      parameters:\n        - name: x\n          in: query\n        - name: y\n          in: path\n";

    fn line(p: &str) -> Option<usize> {
        line_of(YAML, Pointer::parse(p).unwrap())
    }

    #[test]
    fn finds_keys_items_and_nearest_ancestor() {
        assert_eq!(line(""), Some(1));
        assert_eq!(line("/paths"), Some(2));
        assert_eq!(line("/paths/~1a/get"), Some(4));
        assert_eq!(line("/paths/~1a/get/parameters/1"), Some(8));
        assert_eq!(line("/paths/~1a/get/parameters/1/in"), Some(9));
        assert_eq!(line("/paths/~1a/get/responses"), Some(4));
    }

    #[test]
    fn many_pointers_in_one_read_agree_with_one_at_a_time() {
        let pointers = ["", "/paths", "/paths/~1a/get/parameters/1/in", "/paths/~1a/get/responses", "/nope/x"];
        let parsed: Vec<&Pointer> = pointers.iter().map(|p| Pointer::parse(p).unwrap()).collect();
        let together = lines_of(YAML, &parsed);
        let alone: Vec<Option<usize>> = parsed.iter().map(|p| line_of(YAML, p)).collect();
        assert_eq!(together, alone);
        assert_eq!(together, [Some(1), Some(2), Some(9), Some(4), Some(1)]);
    }

    #[test]
    fn reads_json_too() {
        let json = "{\n  \"a\": {\n    \"b\": [1,\n      2]\n  }\n}\n";
        assert_eq!(line_of(json, Pointer::parse("/a/b/1").unwrap()), Some(4));
    }
}
