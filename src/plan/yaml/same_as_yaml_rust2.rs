//! The quick reader ([`fast`]) must give exactly yaml-rust2's events (scalars, styles,
//! tags, marks, sizes) or step aside: on every YAML file of the repository, each with every
//! value replaced in turn by awkward ones, and each with characters inserted or deleted
//! all along it.

use super::events::{self, Event, Kind};
use super::fast;
use super::same_as_serde_yaml::{replaced, yaml_files, REPLACEMENTS};
use std::path::Path;

/// Whether the quick reader took `text` (then with yaml-rust2's very events).
fn agrees(text: &str) -> bool {
    let Some(quick) = fast::events(text) else {
        return false;
    };
    let (mut slow, complete) = events::parsed(text);
    // The quick reader sizes its lists and maps as it reads them.
    events::sized(&mut slow);
    assert!(
        complete,
        "the quick reader took a document yaml-rust2 rejects:\n{text}"
    );
    let shown = |events: &[Event]| {
        events
            .iter()
            .map(|e| match e.kind {
                // End marks are not kept (nothing reads them).
                Kind::SeqEnd | Kind::MapEnd => format!("{:?}", e.kind),
                _ => format!("{e:?}"),
            })
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_eq!(shown(&quick), shown(&slow), "{text}");
    true
}

fn repository_files() -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for dir in ["tests", "docs", "bench", "examples"] {
        yaml_files(&root.join(dir), &mut files);
    }
    files
        .iter()
        .filter_map(|f| std::fs::read_to_string(f).ok())
        .collect()
}

#[test]
fn the_quick_reader_reads_the_repository_as_yaml_rust2_does() {
    let files = repository_files();
    assert!(files.len() > 50, "found only {} YAML files", files.len());
    let taken = files.iter().filter(|text| agrees(text)).count();
    // Most plans are in the quick reader's subset: it is worth having.
    assert!(
        taken * 2 > files.len(),
        "took only {taken} of {}",
        files.len()
    );
    let withs: Vec<&str> = REPLACEMENTS.iter().chain(&UNUSUAL).copied().collect();
    let mut variants = 0;
    for text in &files {
        // Six replacements per line, a different six on the next line.
        for i in 0..text.lines().count() {
            for k in 0..6 {
                if let Some(variant) = replaced(text, i, withs[(i * 6 + k) % withs.len()]) {
                    variants += usize::from(agrees(&variant));
                }
            }
        }
    }
    eprintln!(
        "quick reader: {taken} of {} files, {variants} variants",
        files.len()
    );
    assert!(variants > 3_000, "took only {variants} variants");
}

/// Values around the quick reader's edges, besides serde's awkward ones.
const UNUSUAL: [&str; 24] = [
    "a b  c",
    "a #b",
    "a#b",
    "x # c",
    "'it''s'",
    "\"a 'b' #c\"",
    "\"\" # empty",
    "{ a: [1, { b: c }], 'd': \"e\" }",
    "[ a , b ]",
    "[a,b]",
    "{a: b,c: d}",
    "[]  # none",
    "é → ü",
    "{ k: 'ü', v: ä }",
    "http://h:80/p?q=1#f",
    "-1",
    "-x",
    "--",
    "a: b",
    "a:",
    "[a, ]",
    "{ a }",
    "\"open",
    "[x",
];

/// Inserting or deleting one character anywhere: most variants are mistakes or
/// something else, and the quick reader must step aside for every one it cannot
/// read exactly as yaml-rust2.
#[test]
fn the_quick_reader_steps_aside_for_what_it_does_not_read() {
    let mut taken = 0;
    let mut tried = 0;
    for text in repository_files().iter().filter(|t| t.len() < 1_500) {
        let boundaries: Vec<usize> = (0..=text.len())
            .filter(|&i| text.is_char_boundary(i))
            .collect();
        for (n, &i) in boundaries.iter().enumerate() {
            // Every sixth place, one of the characters YAML gives meaning to.
            if n % 6 != 0 {
                continue;
            }
            for c in [" ", "\n", ":", "-", "#", "'", "\"", "{", "]", ","] {
                let variant = format!("{}{c}{}", &text[..i], &text[i..]);
                tried += 1;
                taken += usize::from(agrees(&variant));
            }
            if let Some(&next) = boundaries.get(n + 1) {
                let variant = format!("{}{}", &text[..i], &text[next..]);
                tried += 1;
                taken += usize::from(agrees(&variant));
            }
        }
    }
    eprintln!("quick reader: {taken} of {tried} edited documents");
    assert!(taken > 1_000 && tried > taken, "took {taken} of {tried}");
}

#[test]
fn documents_at_the_edges() {
    let taken = [
        "a: 1\n",
        "a: 1",
        "# c\na: 1 # c\n  # deeper comment\nb:\n  - x\n  -   y\nc:\n- 1\n- k: v\n  j: w\nd: e\n",
        "- a\n- b: c\n  d: [e, {f: g}]\n-   h: i\n",
        "k:\n  # c\n  l: m\n",
        "'q': 1\n\"r\": 2\n",
        "é: ü → x\nb: [ä, 'ö']\n",
        // Quoted keys and values holding what ends a plain key or value.
        "\"a: b\": 1\n'c # d': 2\n'it''s': 'x''y'\n\"e\": \"f: g # h\"\n",
        "k: [\"a, b\", 'c]d', { 'e: f': g, \"h}\": '' }]\n",
        "'': x\n\"\": [ '#', \"::\" ]\n",
        // Long lines: the bytes are looked at eight at a time.
        "a_long_key_name: a long value with é in the middle of it # and a comment\n",
        "abcdefgh:\n  ijklmnop: [qrstuvwx, 'yz0123ü']\n",
    ];
    for doc in taken {
        assert!(agrees(doc), "not taken:\n{doc}");
    }
    let aside = [
        "a: |\n  x\n",
        "a: &x 1\nb: *x\n",
        "a: !t 1\n",
        "a:\nb: 1\n",
        "a: b\n  c\n",
        "---\na: 1\n",
        "a: 1\n---\nb: 2\n",
        "a: \"x\\ty\"\n",
        "a:\tb\n",
        "a: 1\r\n",
        "  a: 1\n",
        "x\n",
        "",
        "# only\n",
        "? a\n: b\n",
        "a: [1,\n  2]\n",
        "- - a\n",
        "-\n",
        "a: b: c\n",
        // Past the first eight bytes too: a tab, a carriage return, an escape, DEL,
        // a byte order mark, a control character.
        "abcdefghij: k\tl\n",
        "abcdefghij: kl\r\n",
        "abcdefghij: \"k\\l\"\n",
        "abcdefghij: k\u{7f}l\n",
        "abcdefghij: é\u{feff}\n",
        "abcdefghijklmnopq: r\u{1}\n",
    ];
    for doc in aside {
        assert!(fast::events(doc).is_none(), "taken:\n{doc}");
    }
}
