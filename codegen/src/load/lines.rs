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
pub(crate) fn line_of(text: &str, pointer: &Pointer) -> Option<usize> {
    let target: Vec<String> = pointer.tokens().map(|t| t.decoded().into_owned()).collect();
    let mut parser = Parser::new_from_str(text);
    let mut stack: Vec<Frame> = Vec::new();
    let mut path: Vec<String> = Vec::new();
    let mut best: Option<usize> = None;
    loop {
        let (event, mark) = parser.next_token().ok()?;
        let is_node =
            matches!(event, Event::Scalar(..) | Event::MappingStart(..) | Event::SequenceStart(..) | Event::Alias(_));
        if is_node {
            let in_map = matches!(stack.last(), Some(Frame::Map { .. }));
            let token = match stack.last_mut() {
                Some(Frame::Map { key, expecting_key }) if *expecting_key => {
                    if let Event::Scalar(s, ..) = &event {
                        *key = Some(s.clone());
                        *expecting_key = false;
                        if path.len() < target.len() && path[..] == target[..path.len()] && target[path.len()] == *s {
                            if path.len() + 1 == target.len() {
                                return Some(mark.line());
                            }
                            best = Some(mark.line());
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
            let on_target = depth <= target.len()
                && path[..] == target[..path.len()]
                && token.as_ref().is_none_or(|t| *t == target[path.len()]);
            if on_target {
                if depth == target.len() {
                    return Some(mark.line());
                }
                if !in_map {
                    best = Some(mark.line());
                }
            }
            match event {
                Event::MappingStart(..) | Event::SequenceStart(..) => {
                    let frame = if matches!(event, Event::MappingStart(..)) {
                        Frame::Map { key: None, expecting_key: true }
                    } else {
                        Frame::Seq { next: 0 }
                    };
                    stack.push(frame);
                    if let Some(t) = token {
                        path.push(t);
                    }
                }
                _ => {}
            }
        } else {
            match event {
                Event::MappingEnd | Event::SequenceEnd => {
                    stack.pop();
                    if !stack.is_empty() {
                        path.pop();
                    }
                }
                Event::StreamEnd => return best,
                _ => {}
            }
        }
    }
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
    fn reads_json_too() {
        let json = "{\n  \"a\": {\n    \"b\": [1,\n      2]\n  }\n}\n";
        assert_eq!(line_of(json, Pointer::parse("/a/b/1").unwrap()), Some(4));
    }
}
