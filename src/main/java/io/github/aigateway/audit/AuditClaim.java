package io.github.aigateway.audit;

import io.github.aigateway.exchange.ExchangeProperties;
import io.github.aigateway.request.RequestRecord;
import org.apache.camel.Exchange;
import org.apache.camel.Predicate;

/**
 * When the audit log's onCompletion runs: for the first route of a request to complete, which claims the
 * request's record (routes/audit-log.camel.yaml). A predicate bean rather than a Simple expression calling
 * the record: Simple reaches a method of a property by copying the whole exchange, and this is asked once
 * for every route a request goes through.
 */
public class AuditClaim implements Predicate {

    @Override
    public boolean matches(Exchange exchange) {
        RequestRecord record = exchange.getProperty(ExchangeProperties.REQUEST_RECORD, RequestRecord.class);
        return record != null && record.claimForAudit();
    }
}
