package io.github.aigateway.search;

/**
 * GitLab's {@code POST /v1/search/gitlab-docs} body, checked.
 *
 * @param query     what Duo Chat's user asked
 * @param pageSize  most results wanted, 1 to 20
 * @param glVersion the asking GitLab's version ({@code metadata.version}), for the log
 */
public record DocsSearchRequest(String query, int pageSize, String glVersion) {
}
