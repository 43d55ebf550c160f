//! The inverted index of profile text, with exact BM25 statistics under updates.
//!
//! - **Postings**: per term, a byte list of `(row, tf)` pairs, each one LEB128
//!   varint of the zig-zagged row delta with a "tf > 1" bit, plus a second varint
//!   for the rare larger tf — mostly one or two bytes a posting. Rows are appended
//!   as profiles arrive, so no list is ever rewritten on insert.
//! - **Forward lists**: per row, its sorted term ids (delta varints, same tf bit)
//!   in one arena. They make removal exact: document frequencies and the total
//!   length drop the moment a profile goes, so a ranking after any sequence of
//!   updates equals a ranking of a fresh build.
//! - **Reclaiming**: a removed row's postings stay in their lists (scans skip dead
//!   rows) until a bounded clean-up step, run on each update, rewrites the lists it
//!   touched; the row number is reused only once none of its postings remain. A
//!   reused row appends out of row order, so its lists join the same queue to be
//!   rewritten in order (scans read lists in row order, a block at a time).

use std::collections::{HashMap, VecDeque};

use crate::factors::encode::Doc;

/// A row with no forward list.
const NONE: u32 = u32::MAX;
/// Bytes of postings an update earns for clean-up (see [`Corpus::reclaim`]).
const CLEAN_BUDGET: usize = 32 * 1024;

/// BM25 statistics and postings of the profiles of an index.
///
/// Pass it to [`Context::with_corpus`](crate::score::Context::with_corpus) to score
/// a pair exactly as the index ranks it.
#[derive(Debug, Clone, Default)]
pub struct Corpus {
    /// Term key → term id.
    ids: HashMap<u64, u32>,
    /// Live documents holding each term.
    df: Vec<u32>,
    /// Whether each term waits in `dirty`.
    queued: Vec<bool>,
    /// The removal count when each term's list was last cleaned: it holds no posting
    /// of a row removed at or before that count.
    cleaned_at: Vec<u64>,
    /// Removals so far.
    removals: u64,
    /// Each term's postings.
    postings: Vec<Vec<u8>>,
    /// The row of each list's last posting (delta base for appends).
    last: Vec<u32>,
    /// Postings that arrived out of row order (a reused row), per term, until the
    /// term's list is next rewritten; a few, so they live apart from the lists.
    appendix: HashMap<u32, Vec<(u32, u16)>>,
    /// Bytes of clean-up earned by updates and not yet spent.
    credit: usize,
    /// Live documents.
    docs: u32,
    /// Sum of live documents' lengths.
    total_len: u64,
    /// Forward lists, concatenated.
    forward: Vec<u8>,
    /// Start of each row's forward list in `forward`, or [`NONE`].
    forward_start: Vec<u32>,
    /// Bytes of `forward` no row points to any more.
    forward_garbage: usize,
    /// Terms with dead postings, oldest first.
    dirty: VecDeque<u32>,
    /// Removed rows waiting for their postings to go, with their removal count,
    /// oldest first.
    zombies: VecDeque<(u32, u64)>,
}

impl Corpus {
    /// Live documents (profiles).
    pub fn docs(&self) -> u32 {
        self.docs
    }

    /// Average document length in tokens; 0 when empty.
    pub fn average_len(&self) -> f32 {
        if self.docs == 0 {
            0.0
        } else {
            (self.total_len as f64 / f64::from(self.docs)) as f32
        }
    }

    /// Distinct terms ever seen.
    pub fn terms(&self) -> usize {
        self.df.len()
    }

    /// How many live profiles use `term` (as [`text::tokenize`](crate::text::tokenize)
    /// produces it).
    pub fn document_frequency(&self, term: &str) -> u32 {
        self.term(crate::factors::encode::term_key(term))
            .map_or(0, |(_, df)| df)
    }

    /// The id and document frequency of a term key.
    pub(crate) fn term(&self, key: u64) -> Option<(u32, u32)> {
        let id = *self.ids.get(&key)?;
        Some((id, self.df[id as usize]))
    }

    /// Indexes `doc` at `row`.
    pub(crate) fn add(&mut self, row: u32, doc: &Doc) {
        let mut terms: Vec<(u32, u16)> = doc
            .terms
            .iter()
            .map(|&(key, tf)| (self.intern(key), tf))
            .collect();
        terms.sort_unstable_by_key(|&(id, _)| id);
        for &(id, tf) in &terms {
            let id = id as usize;
            self.df[id] += 1;
            if self.postings[id].is_empty() || row > self.last[id] {
                let delta = i64::from(row) - i64::from(self.last[id]);
                reserve_gently(&mut self.postings[id], 12);
                push_posting(&mut self.postings[id], delta, tf);
                self.last[id] = row;
            } else {
                // A reused row, behind the list's end: kept aside, in order for
                // readers, until the clean-up queue rewrites the list with it.
                self.appendix.entry(id as u32).or_default().push((row, tf));
                if !self.queued[id] {
                    self.queued[id] = true;
                    self.dirty.push_back(id as u32);
                }
            }
        }
        let start = u32::try_from(self.forward.len()).unwrap_or(NONE);
        reserve_gently(&mut self.forward, 8 + 6 * terms.len());
        encode_forward(&terms, &mut self.forward);
        let row = row as usize;
        if self.forward_start.len() <= row {
            self.forward_start.resize(row + 1, NONE);
        }
        self.forward_start[row] = start;
        self.docs += 1;
        self.total_len += u64::from(doc.len);
    }

    /// Whether `row` holds exactly `doc`'s terms and counts (then an update can keep
    /// its postings).
    pub(crate) fn holds(&self, row: u32, doc: &Doc) -> bool {
        let mut terms = Vec::with_capacity(doc.terms.len());
        for &(key, tf) in &doc.terms {
            match self.ids.get(&key) {
                Some(&id) => terms.push((id, tf)),
                None => return false,
            }
        }
        terms.sort_unstable_by_key(|&(id, _)| id);
        let mut encoded = Vec::new();
        encode_forward(&terms, &mut encoded);
        self.forward_of(row) == Some(encoded.as_slice())
    }

    /// Takes `row`'s document out of the statistics; its postings go later.
    pub(crate) fn remove(&mut self, row: u32, doc_len: u16) {
        self.removals += 1;
        if let Some(start) = self
            .forward_start
            .get(row as usize)
            .copied()
            .filter(|&s| s != NONE)
        {
            let list = self.forward.get(start as usize..).unwrap_or_default();
            for (id, _) in ForwardIter::new(list) {
                let id = id as usize;
                self.df[id] -= 1;
                if !self.queued[id] {
                    self.queued[id] = true;
                    self.dirty.push_back(id as u32);
                }
            }
        }
        self.docs -= 1;
        self.total_len -= u64::from(doc_len);
        self.zombies.push_back((row, self.removals));
    }

    /// Cleans some dirty lists, dropping postings of rows `alive` says are dead, and
    /// returns rows that may now be reused.
    pub(crate) fn reclaim(&mut self, alive: impl Fn(u32) -> bool, everything: bool) -> Vec<u32> {
        // Each update earns a fixed amount of clean-up; a list is rewritten once the
        // credit covers it, so no single update pays for a long list, and removed
        // rows wait at most one round of the queue (total list bytes / budget
        // updates) — a round cleans all the dead postings of a list at once.
        self.credit = self.credit.saturating_add(CLEAN_BUDGET);
        while let Some(&id) = self.dirty.front() {
            let id = id as usize;
            let cost = self.postings[id].len();
            if !everything && cost > self.credit {
                break;
            }
            self.credit = self.credit.saturating_sub(cost);
            self.dirty.pop_front();
            self.rewrite(id, &alive);
            self.queued[id] = false;
            self.cleaned_at[id] = self.removals;
        }
        if self.dirty.is_empty() {
            // Credit does not pile up while there is nothing to clean.
            self.credit = 0;
        }
        let mut freed = Vec::new();
        while let Some(&(row, removed_at)) = self.zombies.front() {
            let clean = self.forward_of(row).is_none_or(|list| {
                ForwardIter::new(list).all(|(id, _)| self.cleaned_at[id as usize] >= removed_at)
            });
            if !clean {
                break;
            }
            self.zombies.pop_front();
            self.drop_forward(row);
            freed.push(row);
        }
        if self.forward_garbage > 1 << 16 && self.forward_garbage * 2 > self.forward.len() {
            self.compact_forward();
        }
        freed
    }

    /// Calls `visit(row, tf)` for each posting of term `id`, dead rows included.
    #[cfg(test)]
    pub(crate) fn for_each_posting(&self, id: u32, mut visit: impl FnMut(u32, u16)) {
        if let Some(list) = self.postings.get(id as usize) {
            for (row, tf) in PostingIter::new(list) {
                visit(row, tf);
            }
        }
    }

    /// Calls `visit(term id, tf)` for the terms of `row`'s document in ascending id
    /// order, until it returns `false`. The scan's text path: one tight loop, no
    /// iterator state.
    #[inline]
    pub(crate) fn visit_forward(&self, row: u32, mut visit: impl FnMut(u32, u16) -> bool) {
        let start = self.forward_start(row);
        if start == NONE {
            return;
        }
        let bytes = self.forward.get(start as usize..).unwrap_or_default();
        let mut at = 0;
        let mut remaining = read_varint(bytes, &mut at);
        let mut id = 0u32;
        while remaining > 0 {
            remaining -= 1;
            // Nearly every entry is one byte: a small id step and tf = 1.
            let head = match bytes.get(at) {
                Some(&byte) if byte < 0x80 => {
                    at += 1;
                    u64::from(byte)
                }
                Some(_) => read_varint(bytes, &mut at),
                None => return,
            };
            id = id.wrapping_add((head >> 1) as u32);
            let tf = if head & 1 == 1 {
                u16::try_from(read_varint(bytes, &mut at) + 2).unwrap_or(u16::MAX)
            } else {
                1
            };
            if !visit(id, tf) {
                return;
            }
        }
    }

    /// Where `row`'s forward list starts (for touching it ahead of reading it).
    #[inline]
    pub(crate) fn forward_start(&self, row: u32) -> u32 {
        self.forward_start
            .get(row as usize)
            .copied()
            .unwrap_or(NONE)
    }

    /// A byte from each of the first two cache lines of `row`'s forward list (most
    /// lists fit in two), combined: reading them brings the list into the cache.
    #[inline]
    pub(crate) fn touch_forward(&self, row: u32) -> u8 {
        let start = self.forward_start(row) as usize;
        let first = self.forward.get(start).copied().unwrap_or(0);
        let second = self.forward.get(start + 64).copied().unwrap_or(0);
        first ^ second
    }

    /// Every byte list a ranking may read, for a streaming-read baseline.
    pub(crate) fn byte_lists(&self) -> impl Iterator<Item = &[u8]> {
        self.postings.iter().map(Vec::as_slice)
    }

    /// Releases spare capacity.
    pub(crate) fn shrink_to_fit(&mut self) {
        for list in &mut self.postings {
            list.shrink_to_fit();
        }
        self.postings.shrink_to_fit();
        self.df.shrink_to_fit();
        self.queued.shrink_to_fit();
        self.cleaned_at.shrink_to_fit();
        self.last.shrink_to_fit();
        self.appendix.shrink_to_fit();
        self.ids.shrink_to_fit();
        self.forward.shrink_to_fit();
        self.forward_start.shrink_to_fit();
    }

    /// Approximate heap size.
    pub(crate) fn heap_bytes(&self) -> usize {
        let lists: usize = self.postings.iter().map(Vec::capacity).sum();
        lists
            + self.postings.capacity() * std::mem::size_of::<Vec<u8>>()
            // hashbrown: the pair plus one control byte a bucket.
            + self.ids.capacity() * (std::mem::size_of::<(u64, u32)>() + 1)
            + (self.df.capacity() + self.last.capacity()) * 4
            + self.queued.capacity()
            + self.appendix.capacity() * (std::mem::size_of::<(u32, Vec<(u32, u16)>)>() + 1)
            + self.appendix.values().map(|v| v.capacity() * 8).sum::<usize>()
            + self.cleaned_at.capacity() * 8
            + self.forward.capacity()
            + self.forward_start.capacity() * 4
            + self.dirty.capacity() * 4
            + self.zombies.capacity() * 16
    }

    /// Rewrites list `id` without dead rows' postings and with its appendix merged
    /// in, in ascending row order.
    fn rewrite(&mut self, id: usize, alive: &impl Fn(u32) -> bool) {
        let mut postings: Vec<(u32, u16)> = PostingIter::new(&self.postings[id])
            .filter(|&(row, _)| alive(row))
            .collect();
        if let Some(extra) = self.appendix.remove(&(id as u32)) {
            postings.extend(extra.into_iter().filter(|&(row, _)| alive(row)));
            postings.sort_unstable_by_key(|&(row, _)| row);
        }
        let mut kept = Vec::with_capacity(self.postings[id].len());
        let mut last = 0u32;
        for (row, tf) in postings {
            push_posting(&mut kept, i64::from(row) - i64::from(last), tf);
            last = row;
        }
        kept.shrink_to_fit();
        self.postings[id] = kept;
        self.last[id] = last;
    }

    /// Postings of term `id` in ascending row order (the tests' view of a list and
    /// its appendix; rankings read the forward lists).
    #[cfg(test)]
    pub(crate) fn cursor(&self, id: u32) -> Cursor<'_> {
        let bytes = self
            .postings
            .get(id as usize)
            .map_or(&[][..], Vec::as_slice);
        let mut extra: Vec<(u32, u16)> = self.appendix.get(&id).cloned().unwrap_or_default();
        extra.sort_unstable_by_key(|&(row, _)| row);
        Cursor {
            main: PostingIter::new(bytes),
            extra: extra.into_iter(),
            main_next: None,
            extra_next: None,
        }
    }

    fn intern(&mut self, key: u64) -> u32 {
        let next = u32::try_from(self.df.len()).unwrap_or(NONE);
        let id = *self.ids.entry(key).or_insert(next);
        if id == next {
            self.df.push(0);
            self.queued.push(false);
            self.cleaned_at.push(0);
            self.postings.push(Vec::new());
            self.last.push(0);
        }
        id
    }

    fn forward_of(&self, row: u32) -> Option<&[u8]> {
        let start = *self.forward_start.get(row as usize)?;
        if start == NONE {
            return None;
        }
        let list = self.forward.get(start as usize..)?;
        Some(&list[..forward_len(list)])
    }

    fn drop_forward(&mut self, row: u32) {
        if let Some(len) = self.forward_of(row).map(<[u8]>::len) {
            self.forward_garbage += len;
            self.forward_start[row as usize] = NONE;
        }
    }

    fn compact_forward(&mut self) {
        let mut compacted = Vec::with_capacity(self.forward.len() - self.forward_garbage);
        for row in 0..self.forward_start.len() {
            let Some(list) = self.forward_of(row as u32) else {
                continue;
            };
            let start = u32::try_from(compacted.len()).unwrap_or(NONE);
            compacted.extend_from_slice(list);
            self.forward_start[row] = start;
        }
        self.forward = compacted;
        self.forward_garbage = 0;
    }
}

fn push_varint(out: &mut Vec<u8>, mut value: u64) {
    while value >= 0x80 {
        out.push((value as u8) | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

#[inline]
fn read_varint(bytes: &[u8], at: &mut usize) -> u64 {
    let mut value = 0u64;
    let mut shift = 0;
    while let Some(&byte) = bytes.get(*at) {
        *at += 1;
        value |= u64::from(byte & 0x7F) << shift;
        if byte < 0x80 {
            break;
        }
        shift += 7;
    }
    value
}

fn push_posting(out: &mut Vec<u8>, delta: i64, tf: u16) {
    let zigzag = ((delta << 1) ^ (delta >> 63)) as u64;
    push_varint(out, zigzag << 1 | u64::from(tf > 1));
    if tf > 1 {
        push_varint(out, u64::from(tf - 2));
    }
}

/// A term's postings read in ascending row order, a block of rows at a time: the
/// list merged with its (sorted) appendix.
#[cfg(test)]
pub(crate) struct Cursor<'a> {
    main: PostingIter<'a>,
    extra: std::vec::IntoIter<(u32, u16)>,
    main_next: Option<(u32, u16)>,
    extra_next: Option<(u32, u16)>,
}

#[cfg(test)]
impl Cursor<'_> {
    /// Calls `visit(row, tf)` for each posting with a row below `end` not yet
    /// visited.
    pub(crate) fn take_until(&mut self, end: u32, mut visit: impl FnMut(u32, u16)) {
        loop {
            if self.main_next.is_none() {
                self.main_next = self.main.next();
            }
            if self.extra_next.is_none() {
                self.extra_next = self.extra.next();
            }
            let take_main = match (self.main_next, self.extra_next) {
                (Some(main), Some(extra)) => main.0 <= extra.0,
                (Some(_), None) => true,
                (None, Some(_)) => false,
                (None, None) => return,
            };
            let slot = if take_main {
                &mut self.main_next
            } else {
                &mut self.extra_next
            };
            match *slot {
                Some((row, tf)) if row < end => {
                    *slot = None;
                    visit(row, tf);
                }
                _ => return,
            }
        }
    }
}

/// Grows `bytes` by an eighth when full, not double: lists that live for the life
/// of the service would otherwise carry up to their own size in spare capacity.
fn reserve_gently(bytes: &mut Vec<u8>, needed: usize) {
    if bytes.capacity() - bytes.len() < needed {
        bytes.reserve_exact(needed.max(bytes.len() / 8).max(16));
    }
}

/// Decodes a posting list.
struct PostingIter<'a> {
    bytes: &'a [u8],
    at: usize,
    row: i64,
}

impl<'a> PostingIter<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        Self {
            bytes,
            at: 0,
            row: 0,
        }
    }
}

impl Iterator for PostingIter<'_> {
    type Item = (u32, u16);

    #[inline]
    fn next(&mut self) -> Option<(u32, u16)> {
        if self.at >= self.bytes.len() {
            return None;
        }
        let head = read_varint(self.bytes, &mut self.at);
        let zigzag = head >> 1;
        let delta = (zigzag >> 1) as i64 ^ -((zigzag & 1) as i64);
        self.row += delta;
        let tf = if head & 1 == 1 {
            u16::try_from(read_varint(self.bytes, &mut self.at) + 2).unwrap_or(u16::MAX)
        } else {
            1
        };
        Some((u32::try_from(self.row).unwrap_or(NONE), tf))
    }
}

/// Appends a forward list: the count, then ascending term ids as delta varints with
/// the same tf bit as postings.
fn encode_forward(terms: &[(u32, u16)], out: &mut Vec<u8>) {
    push_varint(out, terms.len() as u64);
    let mut previous = 0u32;
    for &(id, tf) in terms {
        push_varint(out, u64::from(id - previous) << 1 | u64::from(tf > 1));
        if tf > 1 {
            push_varint(out, u64::from(tf - 2));
        }
        previous = id;
    }
}

/// The byte length of the forward list at the start of `bytes`.
fn forward_len(bytes: &[u8]) -> usize {
    let mut iter = ForwardIter::new(bytes);
    for _ in iter.by_ref() {}
    iter.at
}

/// Decodes a forward list.
struct ForwardIter<'a> {
    bytes: &'a [u8],
    at: usize,
    remaining: u64,
    id: u32,
}

impl<'a> ForwardIter<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        let mut at = 0;
        let remaining = read_varint(bytes, &mut at);
        Self {
            bytes,
            at,
            remaining,
            id: 0,
        }
    }
}

impl Iterator for ForwardIter<'_> {
    type Item = (u32, u16);

    fn next(&mut self) -> Option<(u32, u16)> {
        if self.remaining == 0 {
            return None;
        }
        self.remaining -= 1;
        let head = read_varint(self.bytes, &mut self.at);
        self.id += u32::try_from(head >> 1).unwrap_or(0);
        let tf = if head & 1 == 1 {
            u16::try_from(read_varint(self.bytes, &mut self.at) + 2).unwrap_or(u16::MAX)
        } else {
            1
        };
        Some((self.id, tf))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postings_round_trip_in_any_row_order() {
        let mut list = Vec::new();
        let mut last = 0i64;
        let rows = [(5u32, 1u16), (3, 2), (1_000_000, 1), (0, 300)];
        for &(row, tf) in &rows {
            push_posting(&mut list, i64::from(row) - last, tf);
            last = i64::from(row);
        }
        let decoded: Vec<(u32, u16)> = PostingIter::new(&list).collect();
        assert_eq!(decoded, rows);
    }

    /// What `visit_forward` visits of a corpus whose one forward list is `terms`,
    /// stopping after `most` entries.
    fn visited(terms: &[(u32, u16)], most: usize) -> Vec<(u32, u16)> {
        let mut corpus = Corpus::default();
        encode_forward(terms, &mut corpus.forward);
        corpus.forward_start.push(0);
        let mut seen = Vec::new();
        corpus.visit_forward(0, |id, tf| {
            seen.push((id, tf));
            seen.len() < most
        });
        seen
    }

    #[test]
    fn forward_lists_are_visited_as_encoded() {
        // Id steps of one, two and three bytes, tfs of one and two bytes, and a
        // list at the very end of the bytes (the general path's tail).
        let terms = [
            (3u32, 1u16),
            (5, 2),
            (70, 1),
            (200, 9),
            (20_000, 1),
            (20_001, 300),
            (20_002, 1),
            (2_000_000, 4),
        ];
        assert_eq!(visited(&terms, usize::MAX), terms);
        assert_eq!(visited(&terms, 2), terms[..2]);
    }

    #[test]
    fn runs_of_small_steps_are_visited_as_encoded() {
        // Steps of 1 to 63 (one byte each) in long runs, broken by a tf above one
        // and a step of two bytes, and lists of every length up to the run.
        let mut terms = Vec::new();
        let mut id = 0u32;
        for n in 0..200u32 {
            id += 1 + (n * 37) % 63;
            if n % 11 == 5 {
                id += 100;
            }
            terms.push((id, if n % 7 == 3 { 2 } else { 1 }));
        }
        for len in [0, 1, 3, 4, 5, 8, 9, 200] {
            assert_eq!(visited(&terms[..len], usize::MAX), terms[..len]);
        }
    }

    #[test]
    fn forward_lists_round_trip() {
        let terms = [(0u32, 1u16), (7, 3), (300, 1)];
        let mut bytes = Vec::new();
        encode_forward(&terms, &mut bytes);
        bytes.extend_from_slice(&[0xAA, 0xBB]);
        assert_eq!(ForwardIter::new(&bytes).collect::<Vec<_>>(), terms);
        assert_eq!(forward_len(&bytes), bytes.len() - 2);
    }

    #[test]
    fn removal_updates_statistics_at_once_and_rows_free_after_cleaning() {
        let mut corpus = Corpus::default();
        let a = Doc::new(&["伝統工芸"]);
        let b = Doc::new(&["伝統の味"]);
        corpus.add(0, &a);
        corpus.add(1, &b);
        assert_eq!(corpus.document_frequency("伝統"), 2);
        corpus.remove(0, a.len);
        assert_eq!(corpus.document_frequency("伝統"), 1);
        assert_eq!(corpus.docs(), 1);
        let freed = corpus.reclaim(|row| row == 1, false);
        assert_eq!(freed, [0]);
        let (id, _) = corpus
            .term(crate::factors::encode::term_key("伝統"))
            .unwrap();
        let mut rows = Vec::new();
        corpus.for_each_posting(id, |row, _| rows.push(row));
        assert_eq!(rows, [1]);
        assert!(corpus.holds(1, &b));
        assert!(!corpus.holds(1, &a));
    }

    #[test]
    fn a_reused_row_is_read_in_row_order_before_and_after_cleaning() {
        let mut corpus = Corpus::default();
        let doc = Doc::new(&["漆器"]);
        for row in 0..4 {
            corpus.add(row, &doc);
        }
        corpus.remove(1, doc.len);
        let alive = |row: u32| row != 1;
        assert_eq!(corpus.reclaim(alive, true), [1]);
        corpus.add(1, &doc); // behind the list's end: into the appendix
        let (id, df) = corpus
            .term(crate::factors::encode::term_key("漆器"))
            .unwrap();
        assert_eq!(df, 4);
        let read = |corpus: &Corpus| {
            let mut rows = Vec::new();
            let mut cursor = corpus.cursor(id);
            cursor.take_until(2, |row, _| rows.push(row));
            cursor.take_until(u32::MAX, |row, _| rows.push(row));
            rows
        };
        assert_eq!(read(&corpus), [0, 1, 2, 3]);
        assert!(!corpus.appendix.is_empty());
        corpus.reclaim(|_| true, true);
        assert!(corpus.appendix.is_empty());
        assert_eq!(read(&corpus), [0, 1, 2, 3]);
    }
}
