//! Patterns that only repeat one character class (`^[A-Z]{2}$`, `^[\w\s\-]+$`), read off
//! their source so the generated server checks them without a regular expression engine.
//!
//! Such a pattern matches a text exactly when every character of it is in the class and
//! their count is within the quantifier's bounds. Anything else (negated classes and escapes,
//! groups, alternatives, lazy quantifiers, literals outside a class, surrogate pairs) is left
//! to the engine: [`run`] answers `None`. The tests hold each form against `regress`.

use std::iter::Peekable;
use std::str::Chars;

/// What `^[class]{min,max}$` means: texts of `min..=max` characters (no upper bound when
/// `max` is `None`), each within one of `ranges` (inclusive).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Run {
    pub(crate) ranges: Vec<(char, char)>,
    pub(crate) min: usize,
    pub(crate) max: Option<usize>,
}

/// The run an ECMA-262 pattern in Unicode mode stands for, when it is `^`, then a character
/// class or one of `\d`, `\w`, `\s`, then an optional greedy quantifier, then `$`.
pub(crate) fn run(source: &str) -> Option<Run> {
    let mut chars = source.strip_prefix('^')?.chars().peekable();
    let ranges = match chars.next()? {
        '[' => class(&mut chars)?,
        '\\' => match escape(&mut chars)? {
            Item::Set(ranges) => ranges.to_vec(),
            Item::Char(_) => return None,
        },
        _ => return None,
    };
    let (min, max) = quantifier(&mut chars)?;
    (chars.next() == Some('$') && chars.next().is_none()).then_some(Run { ranges, min, max })
}

/// `[0-9]`, `\d`.
const DIGIT: &[(char, char)] = &[('0', '9')];
/// `[0-9A-Z_a-z]`, `\w` (without the `i` flag).
const WORD: &[(char, char)] = &[('0', '9'), ('A', 'Z'), ('_', '_'), ('a', 'z')];
/// `\s`: ECMA-262's WhiteSpace and LineTerminator.
const SPACE: &[(char, char)] = &[
    ('\t', '\r'),
    (' ', ' '),
    ('\u{a0}', '\u{a0}'),
    ('\u{1680}', '\u{1680}'),
    ('\u{2000}', '\u{200a}'),
    ('\u{2028}', '\u{2029}'),
    ('\u{202f}', '\u{202f}'),
    ('\u{205f}', '\u{205f}'),
    ('\u{3000}', '\u{3000}'),
    ('\u{feff}', '\u{feff}'),
];

/// What an escape inside a class stands for.
enum Item {
    Char(char),
    Set(&'static [(char, char)]),
}

/// The rest of a class after its `[`, through its `]`.
fn class(chars: &mut Peekable<Chars<'_>>) -> Option<Vec<(char, char)>> {
    let mut ranges = Vec::new();
    if chars.peek() == Some(&'^') {
        return None;
    }
    loop {
        let first = match chars.next()? {
            ']' => return Some(ranges),
            '[' => return None,
            '\\' => match escape(chars)? {
                Item::Char(c) => c,
                // `[\w-a]` has no meaning in Unicode mode.
                Item::Set(_) if chars.peek() == Some(&'-') => return None,
                Item::Set(set) => {
                    ranges.extend_from_slice(set);
                    continue;
                }
            },
            c => c,
        };
        // `a-z` is a range; a `-` just before the `]` is itself.
        let mut ahead = chars.clone();
        if ahead.next() != Some('-') || matches!(ahead.next(), Some(']') | None) {
            ranges.push((first, first));
            continue;
        }
        chars.next();
        let last = match chars.next()? {
            '[' => return None,
            '\\' => match escape(chars)? {
                Item::Char(c) => c,
                Item::Set(_) => return None,
            },
            c => c,
        };
        if first > last {
            return None;
        }
        ranges.push((first, last));
    }
}

/// The rest of an escape after its `\`, in a class. (Outside one, only the sets are used.)
fn escape(chars: &mut Peekable<Chars<'_>>) -> Option<Item> {
    let c = match chars.next()? {
        'd' => return Some(Item::Set(DIGIT)),
        'w' => return Some(Item::Set(WORD)),
        's' => return Some(Item::Set(SPACE)),
        't' => '\t',
        'n' => '\n',
        'v' => '\u{b}',
        'f' => '\u{c}',
        'r' => '\r',
        'x' => hex(chars, 2)?,
        'u' if chars.next_if_eq(&'{').is_some() => char::from_u32(number(&until(chars, '}')?, 16)?)?,
        // A surrogate is half of a pair, which this reader does not join.
        'u' => hex(chars, 4)?,
        c if "^$\\.*+?()[]{}|/-".contains(c) => c,
        _ => return None,
    };
    Some(Item::Char(c))
}

/// `count` hexadecimal digits, as a character.
fn hex(chars: &mut Peekable<Chars<'_>>, count: usize) -> Option<char> {
    let digits: String = chars.by_ref().take(count).collect();
    char::from_u32(number(&digits, 16).filter(|_| digits.len() == count)?)
}

/// The characters before the next `end`, which is consumed.
fn until(chars: &mut Peekable<Chars<'_>>, end: char) -> Option<String> {
    let mut text = String::new();
    loop {
        match chars.next()? {
            c if c == end => return Some(text),
            c => text.push(c),
        }
    }
}

/// Digits only (no sign, not empty), as a number.
fn number(digits: &str, radix: u32) -> Option<u32> {
    let valid = !digits.is_empty() && digits.chars().all(|c| c.is_digit(radix));
    valid.then(|| u32::from_str_radix(digits, radix).ok()).flatten()
}

/// The bounds of a greedy quantifier (one, without any).
fn quantifier(chars: &mut Peekable<Chars<'_>>) -> Option<(usize, Option<usize>)> {
    let bounds = match chars.next_if(|c| "+*?{".contains(*c)) {
        None => return Some((1, Some(1))),
        Some('+') => (1, None),
        Some('*') => (0, None),
        Some('?') => (0, Some(1)),
        Some(_) => {
            let count = |digits: &str| usize::try_from(number(digits, 10)?).ok();
            let inside = until(chars, '}')?;
            let (min, max) = match inside.split_once(',') {
                None => (count(&inside)?, Some(count(&inside)?)),
                Some((min, "")) => (count(min)?, None),
                Some((min, max)) => (count(min)?, Some(count(max)?)),
            };
            if max.is_some_and(|max| max < min) {
                return None;
            }
            (min, max)
        }
    };
    // A lazy quantifier (`+?`) matches the same whole texts, but is left to the engine.
    (chars.peek() != Some(&'?')).then_some(bounds)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What the generated server does with a run (`support::Run::matches`).
    fn matches(run: &Run, text: &str) -> bool {
        let count = text.chars().count();
        text.chars().all(|c| run.ranges.iter().any(|&(first, last)| first <= c && c <= last))
            && count >= run.min
            && run.max.is_none_or(|max| count <= max)
    }

    #[test]
    fn runs_match_what_the_engine_matches() {
        let patterns = [
            "^[\\u0000-\\uFFFF]+$",
            "^[A-Z]{2}$",
            "^[\\w\\s\\-]+$",
            "^[@~\\-\\.\\w]+$",
            "^\\d{5}$",
            "^\\d{2,4}$",
            "^\\w{3,}$",
            "^\\s*$",
            "^[a-f0-9]?$",
            "^[-a]+$",
            "^[a-]+$",
            "^[\\x41-\\x43\\u{1F600}]{1,2}$",
            "^[\\t\\n\\v\\f\\r\\/\\]\\[]+$",
            "^[é-ü]+$",
        ];
        // Every character up to U+3100 (all of `\s` but U+FEFF lies below), and a few beyond.
        let beyond = ['\u{feff}', '\u{fffe}', '\u{ffff}', '\u{10000}', '\u{1f600}', '\u{10ffff}'];
        let characters: Vec<char> = (0..0x3100).filter_map(char::from_u32).chain(beyond).collect();
        for source in patterns {
            let run = run(source).unwrap_or_else(|| panic!("{source} is a run"));
            let regex = regress::Regex::with_flags(source, "u").expect("compiles");
            let engine = |text: &str| regex.find(text).is_some();
            for c in &characters {
                let text = c.to_string();
                assert_eq!(matches(&run, &text), engine(&text), "{source} on U+{:04X}", *c as u32);
            }
            let inside = characters.iter().copied().find(|&c| matches(&run, &c.to_string())).unwrap_or('a');
            for n in 0..7 {
                let text: String = std::iter::repeat_n(inside, n).collect();
                assert_eq!(matches(&run, &text), engine(&text), "{source} on {text:?}");
                let text = format!("{text}!");
                assert_eq!(matches(&run, &text), engine(&text), "{source} on {text:?}");
            }
        }
    }

    #[test]
    fn other_patterns_are_left_to_the_engine() {
        for source in [
            "[A-Z]{2}$",
            "^[A-Z]{2}",
            "^[^A-Z]+$",
            "^[A-Z]+?$",
            "^[A-Z]{2}?$",
            "^[A-Z]|[0-9]$",
            "^[A-Z][0-9]$",
            "^a+$",
            "^.+$",
            "^\\D+$",
            "^[\\p{L}]+$",
            "^[\\uD83D\\uDE00]+$",
            "^[[a]]+$",
            "^[z-a]+$",
            "^[\\w-z]+$",
            "^[A-Z]{3,2}$",
            "^[A-Z]{,2}$",
            "^[A-Z]{x}$",
            "^[A-Z]+$$",
            "^(?:[A-Z])+$",
        ] {
            assert_eq!(run(source), None, "{source}");
        }
        assert_eq!(run("^[A-Z]{2,}$"), Some(Run { ranges: vec![('A', 'Z')], min: 2, max: None }));
        assert_eq!(run("^[a-c-]$"), Some(Run { ranges: vec![('a', 'c'), ('-', '-')], min: 1, max: Some(1) }));
    }
}
