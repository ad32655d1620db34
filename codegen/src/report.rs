//! A change report ([`crate::compat::Report`]) written for people: Markdown for a pull
//! request's comment, and the lines a consumer reads in release notes.

use std::fmt::Write as _;

use crate::compat::{Bump, Change, Impact, Level, Report};

fn word(bump: Bump) -> &'static str {
    match bump {
        Bump::Patch => "patch",
        Bump::Minor => "minor",
        Bump::Major => "major",
    }
}

/// Text for a Markdown table cell: pipes escaped, one line.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

fn mark(impact: Impact) -> &'static str {
    match impact {
        Impact::Compatible => "ok",
        Impact::Breaking => "**breaks**",
    }
}

/// The report as a pull-request comment: the verdict first, then the wire changes as a
/// table (breaking first), then the crate's Rust API changes, folded unless one breaks.
pub fn markdown(report: &Report) -> String {
    let mut out = String::from("### API change report\n\n");
    let crate_bump = report.crate_bump.map_or_else(|| "not compared".to_owned(), |b| word(b).to_owned());
    let _ = writeln!(
        out,
        "**Implied version bump of the generated crate: {}** (wire: {}, Rust API: {crate_bump}).\n",
        word(report.bump),
        word(report.wire_bump)
    );
    if report.changes.is_empty() {
        out.push_str("No change on the wire.\n");
    } else {
        let mut changes: Vec<&Change> = report.changes.iter().collect();
        changes.sort_by_key(|c| std::cmp::Reverse(c.level));
        out.push_str("| level | clients | servers | crate | where | change | rules |\n|---|---|---|---|---|---|---|\n");
        for c in changes {
            let level = match (c.level, c.accepted) {
                (_, true) => "accepted",
                (Level::Breaking, _) => "🔴 breaking",
                (Level::Warning, _) => "🟡 warning",
                (Level::Info, _) => "info",
            };
            let rules: Vec<String> = c.rules.iter().map(|r| format!("`{r}`")).collect();
            let _ = writeln!(
                out,
                "| {level} | {} | {} | {} | {} | {} | {} |",
                mark(c.clients),
                mark(c.servers),
                c.crate_api.map_or("–", mark),
                cell(&c.subject),
                cell(&c.what),
                rules.join(" ")
            );
        }
    }
    if let Some(changes) = &report.crate_changes {
        let breaking = changes.iter().filter(|c| c.impact == Impact::Breaking).count();
        let open = if breaking > 0 { " open" } else { "" };
        let _ = writeln!(
            out,
            "\n<details{open}><summary>Rust API of the generated crate: {} change(s), {breaking} breaking</summary>\n",
            changes.len()
        );
        if !changes.is_empty() {
            out.push_str("| crate | item | change | rule |\n|---|---|---|---|\n");
            let mut changes: Vec<_> = changes.iter().collect();
            changes.sort_by_key(|c| std::cmp::Reverse(c.impact));
            for c in changes {
                let impact = if c.accepted { "accepted" } else { mark(c.impact) };
                let _ = writeln!(out, "| {impact} | `{}` | {} | `{}` |", cell(&c.item), cell(&c.what), c.rule);
            }
        }
        out.push_str("\n</details>\n");
    }
    out
}

/// The changes as release notes: breaking changes (on the wire or in the crate), then
/// additions, then other changes; a crate change that only mirrors an addition is left out.
pub fn changelog(report: &Report) -> String {
    let mut breaking = Vec::new();
    let mut added = Vec::new();
    let mut changed = Vec::new();
    for c in &report.changes {
        let line = format!("- {}: {}", c.subject, c.what);
        if c.level == Level::Breaking {
            let sides: Vec<&str> = [(c.clients, "clients"), (c.servers, "servers")]
                .into_iter()
                .filter(|(i, _)| *i == Impact::Breaking)
                .map(|(_, side)| side)
                .collect();
            breaking.push(format!("{line} (breaks {})", sides.join(" and ")));
        } else if c.crate_api == Some(Impact::Breaking) {
            breaking.push(format!("{line} (breaks code using the crate)"));
        } else if c.rules.iter().all(|r| r.ends_with("-added")) {
            added.push(line);
        } else {
            changed.push(line);
        }
    }
    // Crate breaks no wire line explains (a derive gone, say) are listed on their own.
    let explained = |cc: &crate::compat::CrateChange| {
        let breaking = report.changes.iter().filter(|c| c.crate_api == Some(Impact::Breaking));
        breaking.flat_map(|c| &c.items).any(|item| crate::compat::concerns(&cc.item, &cc.what, item))
    };
    for c in report.crate_changes.iter().flatten().filter(|c| c.impact == Impact::Breaking && !explained(c)) {
        breaking.push(format!("- Rust API: `{}`: {}", c.item, c.what));
    }
    let mut out = format!("## Generated crate: {} release\n", word(report.bump));
    for (title, lines) in [("Breaking changes", breaking), ("Added", added), ("Changed", changed)] {
        if !lines.is_empty() {
            let _ = write!(out, "\n### {title}\n\n{}\n", lines.join("\n"));
        }
    }
    if report.changes.is_empty() && report.crate_changes.iter().flatten().next().is_none() {
        out.push_str("\nNo change a user can see.\n");
    }
    out
}
