package io.github.aigateway.search;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.aigateway.json.Json;
import io.github.aigateway.monitoring.ReadinessChecks;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Duo Chat's documentation search ({@code POST /v1/search/gitlab-docs}) on a local index of GitLab's
 * Markdown docs ({@code AIGW_DOCS_DIR}), built once at start by each gateway replica. Without docs it
 * answers GitLab's empty result, so Duo Chat answers from the model's own knowledge and says so.
 */
public class DocsSearch implements CamelContextAware {

    private static final Logger LOG = LoggerFactory.getLogger(DocsSearch.class);
    /** The {@code provider} this search names in its answers. */
    static final String PROVIDER = "lucene";
    /** GitLab's gateway's budget for self-hosted models: results stop before their estimated tokens pass it. */
    static final int MAX_TOKENS = 8000;

    private String directory = "";
    private String webRootUrl = "https://gitlab.com/help";
    private ReadinessChecks readiness;
    /** Null while there is nothing to search: no docs, or not indexed yet. */
    private volatile DocsIndex index;
    private volatile boolean indexing;
    private Path folder;
    private CamelContext camelContext;
    private boolean stopped;

    /**
     * Checks {@code AIGW_DOCS_DIR}, refusing to start when it names no readable folder, and once the gateway
     * has started builds the index on a thread of its own, so the gateway listens at once (GitLab's whole doc
     * folder takes seconds to index); until it is built, readiness names it: a replica is ready when it answers
     * documentation questions in full. Camel binds YAML beans twice while it loads routes (and destroys the
     * first), hence the wait for the context.
     */
    public void start() throws Exception {
        folder = directory.isBlank() ? null : DocsFolder.resolve(Path.of(directory.strip()));
        if (folder != null) {
            indexing = true;
            if (readiness != null) {
                readiness.register("docs_search", () -> indexing ? "indexing GitLab's docs in " + folder : null);
            }
        }
        if (camelContext == null) {
            begin();
        } else {
            camelContext.addStartupListener((context, alreadyStarted) -> begin());
        }
    }

    private synchronized void begin() {
        if (stopped) {
            return;
        }
        if (folder == null) {
            LOG.warn("Documentation search has no docs (AIGW_DOCS_DIR is not set): Duo Chat's documentation "
                    + "questions get no results and are answered from the model's own knowledge");
            return;
        }
        Thread builder = new Thread(this::build, "docs-index");
        builder.setDaemon(true);
        builder.start();
    }

    public synchronized void stop() {
        stopped = true;
    }

    private void build() {
        long started = System.nanoTime();
        try {
            DocsIndex built = DocsIndex.build(folder, webRootUrl);
            if (built.pages() == 0) {
                LOG.warn("Documentation search has no docs ({} holds no Markdown pages): Duo Chat's documentation "
                        + "questions get no results and are answered from the model's own knowledge", folder);
            } else {
                index = built;
                LOG.info("Documentation search: {} pages of {} indexed as {} sections in {} ms", built.pages(), folder,
                        built.chunks(), (System.nanoTime() - started) / 1_000_000);
            }
        } catch (IOException | RuntimeException e) {
            LOG.error("Documentation search has no docs: indexing {} failed ({}); Duo Chat's documentation "
                    + "questions get no results", folder, e.toString());
        } finally {
            indexing = false;
        }
    }

    /** GitLab's answer: {@code {"response": {"results": [...]}, "metadata": {"provider", "timestamp"}}}. */
    public String answer(DocsSearchRequest request) {
        DocsIndex searched = index;
        List<DocsResult> results = searched == null ? List.of()
                : withinBudget(searched.search(request.query(), request.pageSize()));
        ObjectNode body = Json.MAPPER.createObjectNode();
        ArrayNode list = body.putObject("response").putArray("results");
        for (DocsResult result : results) {
            ObjectNode item = list.addObject().put("id", result.id()).put("content", result.content());
            ObjectNode metadata = item.putObject("metadata");
            result.metadata().forEach(metadata::put);
        }
        body.putObject("metadata").put("provider", PROVIDER).put("timestamp", Instant.now().getEpochSecond());
        return Json.write(body);
    }

    /** The best results whose estimated tokens (GitLab's estimate: 1.4 per word) add up to at most {@value #MAX_TOKENS}. */
    static List<DocsResult> withinBudget(List<DocsResult> results) {
        int tokens = 0;
        int kept = 0;
        for (DocsResult result : results) {
            String content = result.content().strip();
            int words = content.isEmpty() ? 0 : content.split("\\s+").length;
            int estimate = (int) (words * 1.4);
            if (tokens + estimate > MAX_TOKENS) {
                break;
            }
            tokens += estimate;
            kept++;
        }
        return results.subList(0, kept);
    }

    /** {@code AIGW_DOCS_DIR}: GitLab's doc folder (or a GitLab checkout); empty for no docs. */
    public void setDirectory(String directory) {
        this.directory = directory == null ? "" : directory;
    }

    @Override
    public CamelContext getCamelContext() {
        return camelContext;
    }

    @Override
    public void setCamelContext(CamelContext camelContext) {
        this.camelContext = camelContext;
    }

    /** Readiness then waits for the index. */
    public void setReadiness(ReadinessChecks readiness) {
        this.readiness = readiness;
    }

    /** {@code AIGW_DOCS_WEB_ROOT_URL}: where the pages are read, the start of each result's {@code source_url}. */
    public void setWebRootUrl(String webRootUrl) {
        this.webRootUrl = webRootUrl;
    }
}
