//! The one unit every stage talks about: a block of text.
//!
//! HTML pages and flat text are segmented into the same [`Block`] type so that a
//! single classifier serves both inputs. Fields that only HTML can fill (link
//! share, DOM path, class/id evidence) have neutral values for text input, and
//! the classifier reads them through [`Block::has_dom`].

use serde::Serialize;
use std::fmt;

/// What role the markup (or, for flat text, the line shape) gives a block.
///
/// The classifier treats headings, list items and table cells differently from
/// running paragraphs: a short heading between two good paragraphs is content,
/// a short paragraph alone usually is not.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// Running text: `<p>`, a `<div>` with its own text, or a line of text.
    Para,
    /// `<h1>`..`<h6>` (level kept), or a heading-like line in text mode.
    Heading(u8),
    /// `<li>`, `<dd>`, `<dt>`.
    Item,
    /// `<blockquote>`.
    Quote,
    /// `<pre>`: whitespace is meaningful and kept.
    Pre,
    /// `<td>`/`<th>`: one row of a table, cells joined by tabs.
    Cell,
    /// `<figcaption>` or `<caption>`.
    Caption,
}

impl Kind {
    /// A short name for `--explain` and JSON output.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Para => "p",
            Kind::Heading(1) => "h1",
            Kind::Heading(2) => "h2",
            Kind::Heading(3) => "h3",
            Kind::Heading(4) => "h4",
            Kind::Heading(5) => "h5",
            Kind::Heading(_) => "h6",
            Kind::Item => "li",
            Kind::Quote => "quote",
            Kind::Pre => "pre",
            Kind::Cell => "row",
            Kind::Caption => "caption",
        }
    }

    /// Headings are judged by their neighbours, not by their own length.
    pub fn is_heading(self) -> bool {
        matches!(self, Kind::Heading(_))
    }
}

/// A segment of the page with the evidence the classifier needs.
///
/// Counts are computed once by the segmenter so that classification never has
/// to re-tokenise text.
#[derive(Clone, Debug, Serialize)]
pub struct Block {
    /// The text, whitespace collapsed (except in `Pre`), not yet repaired.
    pub text: String,
    /// Markup role.
    pub kind: Kind,
    /// Readable DOM path of the block element (`body>div#main>article>p`),
    /// empty for text input. Only for `--explain` and debugging.
    pub path: String,
    /// Characters of `text` that sit inside `<a>` elements (0 in text mode).
    pub link_chars: usize,
    /// Sum of the class/id vocabulary weights of the block's ancestors and of
    /// the block element itself: negative means "looks like navigation,
    /// footer, sidebar…", positive "looks like article body". 0 in text mode.
    pub attr_score: i32,
    /// The most boilerplate-looking class/id token on the way up (for
    /// `--explain`), if any.
    pub attr_hint: Option<String>,
    /// Index of the element whose class/id decided `attr_score`
    /// (`usize::MAX`: none); lets the main-region pass discount layout
    /// classes on elements that enclose the article.
    #[serde(skip)]
    pub attr_src: usize,
    /// Inside an element the markup itself marks as boilerplate (`<nav>`,
    /// `<footer>`, `<aside>`, `role=navigation`, …): strong but not final
    /// evidence.
    pub in_chrome: bool,
    /// Main-content evidence from the DOM (`<article>`, `<main>`,
    /// `itemprop=articleBody` and the density-scored container); `None` in
    /// text mode, where the classifier locates the main region itself.
    pub in_main: Option<bool>,
    /// Whether a blank line (text mode) or a sectioning boundary precedes it.
    pub gap_before: bool,
    /// Index of the DOM element that holds this block (for grouping), or of
    /// the paragraph in text mode.
    pub group: usize,
    /// Whether the segmenter had a DOM (HTML) or only lines (text).
    pub has_dom: bool,
    /// Numbers about the block's place in the DOM (zero in text mode), for
    /// the learned scorer.
    pub dom: DomStats,
    /// The marker a list item shows on the page, set on the first block of
    /// each `<li>`. The output puts it before the text, so a kept list still
    /// reads as a list; the classifier never sees it. `None` in text mode,
    /// where a line keeps whatever marker it was written with.
    pub mark: Option<ListMark>,
}

/// A list item's marker, kept as numbers and spelled out ([`fmt::Display`]:
/// "- ", "3. ", two spaces of indent per level) only for the items that are
/// kept.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct ListMark {
    /// Levels of nesting below the outermost list (already capped).
    pub depth: u8,
    /// The item's number in an ordered list; `None` for a bullet.
    pub number: Option<i64>,
}

impl fmt::Display for ListMark {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for _ in 0..self.depth {
            f.write_str("  ")?;
        }
        match self.number {
            Some(n) => write!(f, "{n}. "),
            None => f.write_str("- "),
        }
    }
}

/// Where a block sits in the DOM, in numbers.
#[derive(Clone, Copy, Debug, Default, Serialize)]
pub struct DomStats {
    /// Nesting depth of the block element.
    pub depth: u16,
    /// Inside `<article>`, `<main>`, `role=main` or `itemprop=articleBody`.
    pub in_article: bool,
    /// Text characters of the block's container (its element's parent).
    pub ctx_chars: u32,
    /// Link characters of that container.
    pub ctx_links: u32,
    /// Container score of the nearest scored ancestor, relative to the best
    /// container of the page (1.0: the main container itself).
    pub region_score: f32,
    /// The element range of the block's container (first and last element
    /// index, in document order): a block whose [`Block::group`] falls in a
    /// heading's scope is in that heading's section.
    #[serde(skip)]
    pub scope: (u32, u32),
}

impl Block {
    /// A text-mode block: everything the DOM would tell is neutral.
    pub fn line(text: String, kind: Kind, group: usize, gap_before: bool) -> Block {
        Block {
            text,
            kind,
            path: String::new(),
            link_chars: 0,
            attr_score: 0,
            attr_hint: None,
            attr_src: usize::MAX,
            in_chrome: false,
            in_main: None,
            mark: None,
            gap_before,
            group,
            has_dom: false,
            dom: DomStats::default(),
        }
    }

    /// Share of characters inside links; 0 for text input.
    pub fn link_density(&self) -> f32 {
        let n = self.text.chars().count();
        if n == 0 {
            0.0
        } else {
            (self.link_chars as f32 / n as f32).min(1.0)
        }
    }
}

/// What kind of page the page declares itself to be, in schema.org
/// markup (JSON-LD `@type`, microdata `itemtype`) or Open Graph `og:type`.
/// Which text is the page's own depends on it: an article's body is its
/// paragraphs, a product's is a short description among price, options and
/// shipping notes, a list page's is the items' names. Only the standard
/// vocabularies are read, never a site's own names; flat text declares
/// nothing.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Declared {
    /// An article, news story or blog post.
    pub article: bool,
    /// A product (or a group of variants of one).
    pub product: bool,
    /// A list of items: a collection, category or search results page.
    pub list: bool,
    /// A discussion: a question with answers, a forum thread, a post.
    pub discussion: bool,
}

impl Declared {
    /// Note one declared type name (`NewsArticle`, `product.group`,
    /// `https://schema.org/Product`), in any case.
    pub fn note(&mut self, name: &str) {
        let name = name.rsplit('/').next().unwrap_or(name).trim().to_ascii_lowercase();
        match name.as_str() {
            "article"
            | "newsarticle"
            | "blogposting"
            | "reportagenewsarticle"
            | "analysisnewsarticle"
            | "opinionnewsarticle"
            | "backgroundnewsarticle"
            | "reviewnewsarticle"
            | "techarticle"
            | "scholarlyarticle"
            | "liveblogposting" => self.article = true,
            "product" | "productgroup" | "productmodel" | "individualproduct" | "product.item" => self.product = true,
            "itemlist" | "collectionpage" | "searchresultspage" | "offercatalog" | "product.group" => self.list = true,
            "qapage" | "question" | "discussionforumposting" | "socialmediaposting" => self.discussion = true,
            _ => {}
        }
    }
}

/// A segmented document: its blocks and what the page says about itself.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Page {
    /// Blocks in reading order.
    pub blocks: Vec<Block>,
    /// The page's own titles (`<title>`, `og:title`, `twitter:title`),
    /// distinct, in document order: a block repeating one is a repeated
    /// title, not content (or, once, the headline).
    pub titles: Vec<String>,
    /// The page's own summary (`description`, `og:description`,
    /// `twitter:description`), distinct: the same text standing apart above
    /// the body is a standfirst, which article text leaves out like the
    /// repeated title.
    pub descriptions: Vec<String>,
    /// `articleBody` from JSON-LD, when the page embeds one: strong evidence
    /// of which blocks are the article.
    pub ld_body: Option<String>,
    /// Language declared by the page (`<html lang>`), lower-case primary tag.
    pub lang: Option<String>,
    /// The page's declared type (HTML only).
    pub declared: Declared,
}
