//! The acknowledgement as a PDF (krilla, with the DejaVu Sans font embedded, so
//! every accent prints and the text can be copied and searched).

use anyhow::Context;
use krilla::Document;
use krilla::color::rgb;
use krilla::geom::{PathBuilder, Point, Rect};
use krilla::metadata::Metadata;
use krilla::num::NormalizedF32;
use krilla::page::PageSettings;
use krilla::paint::Fill;
use krilla::surface::Surface;
use krilla::text::{Font, TextDirection};
use skrifa::MetadataProvider;
use skrifa::instance::{LocationRef, Size};

/// A4, in points.
const WIDTH: f32 = 595.28;
const HEIGHT: f32 = 841.89;
const MARGIN: f32 = 56.0;
const ACCENT: (u8, u8, u8) = (12, 65, 154);
const TEXT: (u8, u8, u8) = (27, 27, 31);
const MUTED: (u8, u8, u8) = (74, 79, 92);

/// What the PDF shows.
pub struct Acknowledgement<'a> {
    /// Subject.
    pub subject: &'a str,
    /// «Assurance Maladie».
    pub sender: &'a str,
    /// «05/07/2018 08:59».
    pub sent: &'a str,
    /// «05/01/2019».
    pub delete_after: &'a str,
    /// Paragraphs of the message.
    pub paragraphs: &'a [String],
    /// «Référence de la transaction», «Numéro d'autorisation», «Montant»… as
    /// (label, value).
    pub payment: &'a [(String, String)],
    /// The allocation title («Répartition sur vos créances»…) and its lines.
    pub allocation: (&'a str, &'a [(String, String)]),
}

struct Writer<'s, 'p> {
    surface: Surface<'s>,
    regular: Font,
    bold: Font,
    measure: Measure<'p>,
    y: f32,
}

struct Measure<'a> {
    regular: skrifa::FontRef<'a>,
    bold: skrifa::FontRef<'a>,
}

impl Measure<'_> {
    fn width(&self, text: &str, size: f32, bold: bool) -> f32 {
        let font = if bold { &self.bold } else { &self.regular };
        let metrics = font.glyph_metrics(Size::new(size), LocationRef::default());
        let charmap = font.charmap();
        text.chars().map(|c| charmap.map(c).and_then(|g| metrics.advance_width(g)).unwrap_or(size * 0.6)).sum()
    }

    /// Breaks `text` into lines no wider than `width`.
    fn wrap(&self, text: &str, size: f32, bold: bool, width: f32) -> Vec<String> {
        let mut lines = Vec::new();
        let mut line = String::new();
        for word in text.split_whitespace() {
            let candidate = if line.is_empty() { word.to_owned() } else { format!("{line} {word}") };
            if !line.is_empty() && self.width(&candidate, size, bold) > width {
                lines.push(std::mem::replace(&mut line, word.to_owned()));
            } else {
                line = candidate;
            }
        }
        if !line.is_empty() {
            lines.push(line);
        }
        lines
    }
}

fn fill(color: (u8, u8, u8)) -> Option<Fill> {
    Some(Fill {
        paint: rgb::Color::new(color.0, color.1, color.2).into(),
        opacity: NormalizedF32::ONE,
        rule: Default::default(),
    })
}

impl Writer<'_, '_> {
    fn text(&mut self, text: &str, size: f32, bold: bool, color: (u8, u8, u8), x: f32) {
        let max = WIDTH - MARGIN - x;
        for line in self.measure.wrap(text, size, bold, max) {
            self.y += size * 1.35;
            self.surface.set_fill(fill(color));
            let font = if bold { self.bold.clone() } else { self.regular.clone() };
            self.surface.draw_text(Point::from_xy(x, self.y), font, size, &line, false, TextDirection::Auto);
        }
    }

    fn gap(&mut self, points: f32) {
        self.y += points;
    }

    fn rule(&mut self) {
        self.gap(10.0);
        self.rectangle(MARGIN, self.y, WIDTH - 2.0 * MARGIN, 0.8, MUTED);
        self.gap(4.0);
    }

    fn rectangle(&mut self, x: f32, y: f32, w: f32, h: f32, color: (u8, u8, u8)) {
        let mut builder = PathBuilder::new();
        if let Some(rect) = Rect::from_xywh(x, y, w, h) {
            builder.push_rect(rect);
        }
        if let Some(path) = builder.finish() {
            self.surface.set_fill(fill(color));
            self.surface.draw_path(&path);
        }
    }
}

fn draw(mut writer: Writer<'_, '_>, content: &Acknowledgement<'_>) {
    writer.rectangle(0.0, 0.0, WIDTH, 64.0, ACCENT);
    writer.y = 18.0;
    writer.text("l'Assurance Maladie", 18.0, true, (255, 255, 255), MARGIN);
    writer.y = 80.0;
    writer.text(content.subject, 15.0, true, ACCENT, MARGIN);
    writer.gap(6.0);
    writer.text(&format!("De : {}", content.sender), 10.5, false, MUTED, MARGIN);
    writer.text(content.sent, 10.5, false, MUTED, MARGIN);
    writer.text(&format!("Sera supprimé le {}", content.delete_after), 10.5, false, MUTED, MARGIN);
    writer.rule();
    for paragraph in content.paragraphs {
        writer.gap(6.0);
        writer.text(paragraph, 11.0, false, TEXT, MARGIN);
    }
    writer.rule();
    writer.gap(4.0);
    writer.text("Détails du paiement", 12.0, true, ACCENT, MARGIN);
    for (label, value) in content.payment {
        writer.text(&format!("{label} : {value}"), 10.5, false, TEXT, MARGIN);
    }
    let (title, lines) = content.allocation;
    if !lines.is_empty() {
        writer.gap(6.0);
        writer.text(title, 10.5, true, TEXT, MARGIN);
        for (reference, amount) in lines {
            writer.text(&format!("{reference} : {amount}"), 10.5, false, TEXT, MARGIN + 14.0);
        }
    }
    writer.surface.finish();
}

/// The acknowledgement as PDF bytes.
pub fn acknowledgement(content: &Acknowledgement<'_>) -> anyhow::Result<Vec<u8>> {
    let regular_bytes: &'static [u8] = dejavu::sans::regular();
    let bold_bytes: &'static [u8] = dejavu::sans::bold();
    let regular = Font::new(regular_bytes.into(), 0).context("loading DejaVu Sans")?;
    let bold = Font::new(bold_bytes.into(), 0).context("loading DejaVu Sans Bold")?;
    let measure = Measure {
        regular: skrifa::FontRef::new(regular_bytes).context("reading DejaVu Sans")?,
        bold: skrifa::FontRef::new(bold_bytes).context("reading DejaVu Sans Bold")?,
    };

    let mut document = Document::new();
    document.set_metadata(
        Metadata::new()
            .title(content.subject.to_owned())
            .creator("Assurance Maladie – Payer une créance".to_owned())
            .language("fr-FR".to_owned()),
    );
    let settings = PageSettings::from_wh(WIDTH, HEIGHT).context("A4 page")?;
    let mut page = document.start_page_with(settings);
    draw(Writer { surface: page.surface(), regular, bold, measure, y: 0.0 }, content);
    page.finish();
    document.finish().map_err(|e| anyhow::anyhow!("writing the PDF: {e:?}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pdf_holds_the_texts_with_their_accents() {
        let paragraphs = vec![
            "Bonjour,".to_owned(),
            "Nous accusons réception de votre paiement de créance du 05/07/2018.".to_owned(),
        ];
        let payment = vec![
            ("Référence de la transaction".to_owned(), "PCLCB172540000004".to_owned()),
            ("Numéro d'autorisation".to_owned(), "761208".to_owned()),
            ("Montant".to_owned(), "20,00 €".to_owned()),
        ];
        let lines = vec![("3811708600076602F".to_owned(), "20,00 €".to_owned())];
        let bytes = acknowledgement(&Acknowledgement {
            subject: "Accusé de réception de votre paiement de créance",
            sender: "Assurance Maladie",
            sent: "05/07/2018 08:59",
            delete_after: "05/01/2019",
            paragraphs: &paragraphs,
            payment: &payment,
            allocation: ("Répartition sur vos créances", &lines),
        })
        .expect("a PDF");
        assert!(bytes.starts_with(b"%PDF-"));
        let text = pdf_extract::extract_text_from_mem(&bytes).expect("text extracted");
        let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
        for expected in [
            "Accusé de réception de votre paiement de créance",
            "Sera supprimé le 05/01/2019",
            "Nous accusons réception de votre paiement de créance du 05/07/2018.",
            "Référence de la transaction : PCLCB172540000004",
            "Numéro d'autorisation : 761208",
            "Montant : 20,00 €",
            "3811708600076602F : 20,00 €",
        ] {
            assert!(flat.contains(expected), "{expected:?} in {flat:?}");
        }
    }
}
