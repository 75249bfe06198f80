package io.github.aigateway.search;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One GitLab documentation page cut into the chunks the search returns. As GitLab's local docs index did,
 * a page is cut at its headings (levels 1 to 5), each chunk carrying the headings above it; as GitLab's
 * documentation parser does, no chunk is longer than {@value #MAX_CHUNK_CHARS} characters (a longer section
 * is cut at line ends) and chunks without a word in them are dropped.
 *
 * @param title  the page's title: its front matter's {@code title:}, else its first heading
 * @param chunks the page's chunks in reading order
 */
record MarkdownPage(String title, List<Chunk> chunks) {

    /** GitLab's documentation parser's limit per chunk. */
    static final int MAX_CHUNK_CHARS = 1500;

    private static final Pattern FRONT_MATTER = Pattern.compile("\\A---\\n(.*?)\\n---[ \\t]*(?:\\n|\\z)", Pattern.DOTALL);
    private static final Pattern FRONT_MATTER_TITLE = Pattern.compile("(?m)^title:[ \\t]*(.+?)[ \\t]*$");
    private static final Pattern HEADING = Pattern.compile("(#{1,5})[ \\t]+(.+?)(?:[ \\t]+#+)?[ \\t]*");
    private static final Pattern FENCE = Pattern.compile("[ \\t]*(```|~~~).*");
    /** The tier badge older pages put after a heading, e.g. {@code **(PREMIUM)**}. */
    private static final Pattern TIER_BADGE = Pattern.compile("\\*\\*\\(.+\\)\\*\\*$");
    private static final Pattern WORD = Pattern.compile("\\w", Pattern.UNICODE_CHARACTER_CLASS);

    /**
     * @param headings the page title and the headings above the chunk, joined by {@code " > "}
     * @param text     the chunk's Markdown, its own heading line included
     */
    record Chunk(String headings, String text) {
    }

    static MarkdownPage parse(String markdown) {
        String text = markdown.replace("\r\n", "\n");
        String title = null;
        Matcher frontMatter = FRONT_MATTER.matcher(text);
        if (frontMatter.find()) {
            Matcher titleLine = FRONT_MATTER_TITLE.matcher(frontMatter.group(1));
            if (titleLine.find()) {
                title = unquote(titleLine.group(1));
            }
            text = text.substring(frontMatter.end());
        }
        List<Section> sections = sections(text);
        if (title == null) {
            title = sections.stream().map(Section::heading).filter(h -> !h.isEmpty()).findFirst().orElse("");
        }
        List<Chunk> chunks = new ArrayList<>();
        for (Section section : sections) {
            String body = section.text.substring(section.headingLineLength).strip();
            if (!WORD.matcher(body).find()) {
                continue;
            }
            List<String> above = new ArrayList<>(section.path);
            if (!title.isEmpty() && (above.isEmpty() || !above.get(0).equals(title))) {
                above.add(0, title);
            }
            for (String piece : pieces(section.text.strip())) {
                chunks.add(new Chunk(String.join(" > ", above), piece));
            }
        }
        return new MarkdownPage(title, List.copyOf(chunks));
    }

    /** The text under one heading; the first section is the text before any heading (no heading line). */
    private record Section(String heading, List<String> path, String text, int headingLineLength) {
    }

    private static List<Section> sections(String text) {
        List<Section> sections = new ArrayList<>();
        String[] headingsByLevel = new String[5];
        List<String> path = List.of();
        String heading = "";
        int headingLineLength = 0;
        StringBuilder current = new StringBuilder();
        boolean inFence = false;
        for (String line : text.split("\n", -1)) {
            if (FENCE.matcher(line).matches()) {
                inFence = !inFence;
            }
            Matcher match = inFence ? null : HEADING.matcher(line);
            if (match != null && match.matches()) {
                sections.add(new Section(heading, path, current.toString(), headingLineLength));
                int level = match.group(1).length();
                heading = TIER_BADGE.matcher(match.group(2)).replaceAll("").strip();
                headingsByLevel[level - 1] = heading;
                for (int deeper = level; deeper < headingsByLevel.length; deeper++) {
                    headingsByLevel[deeper] = null;
                }
                List<String> newPath = new ArrayList<>();
                for (String above : headingsByLevel) {
                    if (above != null) {
                        newPath.add(above);
                    }
                }
                path = List.copyOf(newPath);
                headingLineLength = line.length();
                current = new StringBuilder();
            }
            current.append(line).append('\n');
        }
        sections.add(new Section(heading, path, current.toString(), headingLineLength));
        return sections;
    }

    /** The text cut at line ends into pieces of at most {@value #MAX_CHUNK_CHARS} characters. */
    private static List<String> pieces(String text) {
        if (text.length() <= MAX_CHUNK_CHARS) {
            return List.of(text);
        }
        List<String> pieces = new ArrayList<>();
        int start = 0;
        while (start < text.length()) {
            int end = Math.min(text.length(), start + MAX_CHUNK_CHARS);
            if (end < text.length()) {
                int lineEnd = text.lastIndexOf('\n', end);
                // a line longer than the limit is cut where the limit falls
                end = lineEnd > start ? lineEnd : end;
            }
            String piece = text.substring(start, end).strip();
            if (WORD.matcher(piece).find()) {
                pieces.add(piece);
            }
            start = end;
        }
        return pieces;
    }

    private static String unquote(String value) {
        if (value.length() >= 2 && (value.startsWith("\"") && value.endsWith("\"")
                || value.startsWith("'") && value.endsWith("'"))) {
            return value.substring(1, value.length() - 1).strip();
        }
        return value;
    }
}
