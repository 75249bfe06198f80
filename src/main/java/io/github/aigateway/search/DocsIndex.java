package io.github.aigateway.search;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.CharArraySet;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.BoostQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.store.ByteBuffersDirectory;

/**
 * A full-text index of a folder of GitLab's Markdown documentation, held in memory: each page is cut into
 * {@link MarkdownPage} chunks, and a query finds the chunks whose headings and text share the most of its
 * words (BM25; English stemming and stop words on both sides). Built once, then only read, by any number
 * of threads at once.
 */
final class DocsIndex {

    /** GitLab's documentation parser's {@code source_type} for documentation pages. */
    private static final String SOURCE_TYPE = "doc";
    /** Distinct query words used: a question is a few dozen; 400,000 characters of it would be thousands. */
    private static final int MAX_QUERY_TERMS = 64;
    private static final String HEADINGS = "headings";
    private static final String CONTENT = "content";
    private static final String CHUNK = "chunk";
    private static final float HEADINGS_BOOST = 2f;
    /**
     * Lucene's English stop words and the words questions are made of: "How do I create an issue?" is
     * then a search for create and issue, not for every page that asks "how do I".
     */
    private static final CharArraySet STOP_WORDS = stopWords();

    private final List<DocsResult> chunks;
    private final int pages;
    private final Analyzer analyzer;
    private final IndexSearcher searcher;

    private DocsIndex(List<DocsResult> chunks, int pages, Analyzer analyzer, IndexSearcher searcher) {
        this.chunks = chunks;
        this.pages = pages;
        this.analyzer = analyzer;
        this.searcher = searcher;
    }

    /**
     * Indexes every Markdown page under {@code folder}; {@code webRootUrl} + the page's path without
     * {@code .md} is each result's {@code source_url}, as GitLab's parser builds it.
     */
    static DocsIndex build(Path folder, String webRootUrl) throws IOException {
        String root = webRootUrl.replaceAll("/+$", "");
        Analyzer analyzer = new EnglishAnalyzer(STOP_WORDS);
        ByteBuffersDirectory directory = new ByteBuffersDirectory();
        List<DocsResult> chunks = new ArrayList<>();
        List<Path> files = DocsFolder.markdownFiles(folder);
        try (IndexWriter writer = new IndexWriter(directory, new IndexWriterConfig(analyzer))) {
            for (Path file : files) {
                byte[] bytes = Files.readAllBytes(file);
                // a byte that is not UTF-8 becomes U+FFFD rather than costing the whole index
                String markdown = new String(bytes, StandardCharsets.UTF_8);
                String source = folder.relativize(file).toString().replace('\\', '/');
                MarkdownPage page = MarkdownPage.parse(markdown);
                Map<String, String> metadata = new LinkedHashMap<>();
                metadata.put("title", page.title());
                // GitLab's parser names the page's SHA-256 "md5sum"
                metadata.put("md5sum", hex("SHA-256", bytes));
                metadata.put("source", source);
                metadata.put("source_type", SOURCE_TYPE);
                metadata.put("source_url", root + "/" + source.substring(0, source.length() - ".md".length()));
                Map<String, String> shared = Collections.unmodifiableMap(metadata);
                for (int i = 0; i < page.chunks().size(); i++) {
                    MarkdownPage.Chunk chunk = page.chunks().get(i);
                    Document document = new Document();
                    document.add(new TextField(HEADINGS, chunk.headings(), Field.Store.NO));
                    document.add(new TextField(CONTENT, chunk.text(), Field.Store.NO));
                    document.add(new StoredField(CHUNK, chunks.size()));
                    writer.addDocument(document);
                    // lower-case hex: the only id shape Rails finds again in the model's "ATTRS: CNT-IDX-<id>"
                    chunks.add(new DocsResult(hex("MD5", (source + "#" + i).getBytes(StandardCharsets.UTF_8)),
                            chunk.text(), shared));
                }
            }
        }
        return new DocsIndex(List.copyOf(chunks), files.size(), analyzer,
                new IndexSearcher(DirectoryReader.open(directory)));
    }

    /** Pages indexed. */
    int pages() {
        return pages;
    }

    /** Chunks indexed. */
    int chunks() {
        return chunks.size();
    }

    /** The {@code limit} chunks that best match {@code query}, best first; none when no word of it is indexed. */
    List<DocsResult> search(String query, int limit) {
        Set<String> terms = terms(query);
        if (terms.isEmpty()) {
            return List.of();
        }
        BooleanQuery.Builder any = new BooleanQuery.Builder();
        for (String term : terms) {
            any.add(new BoostQuery(new TermQuery(new Term(HEADINGS, term)), HEADINGS_BOOST), BooleanClause.Occur.SHOULD);
            any.add(new TermQuery(new Term(CONTENT, term)), BooleanClause.Occur.SHOULD);
        }
        try {
            List<DocsResult> results = new ArrayList<>();
            for (ScoreDoc hit : searcher.search(any.build(), limit).scoreDocs) {
                int chunk = searcher.storedFields().document(hit.doc).getField(CHUNK).numericValue().intValue();
                results.add(chunks.get(chunk));
            }
            return results;
        } catch (IOException e) {
            throw new UncheckedIOException("reading the in-memory documentation index", e);
        }
    }

    /** The query's words as the index holds them (lower case, stemmed, no stop words), each once. */
    private Set<String> terms(String query) {
        Set<String> terms = new LinkedHashSet<>();
        try (TokenStream tokens = analyzer.tokenStream(CONTENT, query)) {
            CharTermAttribute term = tokens.addAttribute(CharTermAttribute.class);
            tokens.reset();
            while (terms.size() < MAX_QUERY_TERMS && tokens.incrementToken()) {
                terms.add(term.toString());
            }
            tokens.end();
        } catch (IOException e) {
            throw new UncheckedIOException("analysing a query held in memory", e);
        }
        return terms;
    }

    private static CharArraySet stopWords() {
        CharArraySet words = CharArraySet.copy(EnglishAnalyzer.ENGLISH_STOP_WORDS_SET);
        words.addAll(List.of("how", "do", "does", "did", "i", "me", "my", "we", "our", "you", "your", "can",
                "could", "should", "would", "what", "which", "who", "why", "where", "when", "please", "want", "need"));
        return CharArraySet.unmodifiableSet(words);
    }

    private static String hex(String algorithm, byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(algorithm + " is part of every Java runtime", e);
        }
    }
}
