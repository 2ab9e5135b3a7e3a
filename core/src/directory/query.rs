//! Turning what a person typed into a safe FTS5 expression. FTS5 has its own query language
//! (quotes, `AND`/`OR`/`NOT`, `NEAR`, parentheses, `column:`, `^`, `*`); none of it is exposed:
//! the text is split into words the way the index tokenizer splits them, each word becomes a
//! quoted string (so an operator typed by a user is just a word), and the words are ANDed. The
//! last word is a prefix unless the text ends with a separator, so results follow as-you-type.
//! Common French and English small words are dropped unless nothing else is left.

/// Longest query text, in characters.
pub const QUERY_MAX: usize = 200;
/// Most words used from one query.
const WORDS_MAX: usize = 12;

const STOPWORDS: &[&str] = &[
    "a", "à", "au", "aux", "d", "de", "des", "du", "en", "et", "l", "la", "le", "les", "ou", "par",
    "pour", "sur", "un", "une", "avec", "dans", "chez", "the", "an", "of", "for", "and", "or",
    "in", "on", "at", "to", "with",
];

/// The FTS5 expression for `text`, or `None` when it holds no word.
pub(crate) fn fts_expression(text: &str) -> Option<String> {
    let ends_in_word = text.chars().last().is_some_and(char::is_alphanumeric);
    let words: Vec<String> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    let kept: Vec<&String> = words
        .iter()
        .filter(|w| !STOPWORDS.contains(&w.as_str()))
        .collect();
    let (words, last_is_word): (Vec<&String>, bool) = if kept.is_empty() {
        (words.iter().collect(), ends_in_word)
    } else {
        let last_kept = words
            .last()
            .is_some_and(|w| !STOPWORDS.contains(&w.as_str()));
        (kept, ends_in_word && last_kept)
    };
    if words.is_empty() {
        return None;
    }
    let n = words.len().min(WORDS_MAX);
    let mut out = String::new();
    for (i, w) in words.iter().take(n).enumerate() {
        if i > 0 {
            out.push(' ');
        }
        // Split on every non-alphanumeric character, a word holds no quote to escape.
        out.push('"');
        out.push_str(w);
        out.push('"');
        if i == n - 1 && last_is_word && n == words.len() {
            out.push('*');
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_quoted_and_the_last_is_a_prefix() {
        assert_eq!(
            fts_expression("aide a domicile").as_deref(),
            Some("\"aide\" \"domicile\"*")
        );
        assert_eq!(
            fts_expression("Aide à dom").as_deref(),
            Some("\"aide\" \"dom\"*")
        );
        assert_eq!(
            fts_expression("orthophonie ").as_deref(),
            Some("\"orthophonie\"")
        );
    }

    #[test]
    fn operators_and_quotes_are_plain_words() {
        assert_eq!(
            fts_expression("\"répit\" OR (NOT aidants) NEAR/2 name:x^ *").as_deref(),
            Some("\"répit\" \"not\" \"aidants\" \"near\" \"2\" \"name\" \"x\"")
        );
        assert_eq!(fts_expression("\"\"\"").as_deref(), None);
        assert_eq!(fts_expression("   ").as_deref(), None);
        assert_eq!(
            fts_expression("'; DROP TABLE dir_service; --").as_deref(),
            Some("\"drop\" \"table\" \"dir\" \"service\"")
        );
    }

    #[test]
    fn only_small_words_are_kept_rather_than_dropped() {
        assert_eq!(fts_expression("de la").as_deref(), Some("\"de\" \"la\"*"));
    }
}
