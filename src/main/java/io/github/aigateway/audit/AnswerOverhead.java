package io.github.aigateway.audit;

import io.github.aigateway.exchange.ExchangeProperties;
import io.github.aigateway.request.RequestRecord;
import org.apache.camel.Exchange;
import org.apache.camel.support.ExpressionAdapter;

/**
 * The value of {@code X-Gateway-Overhead-Ms} on a complete answer or an error: milliseconds spent in the gateway,
 * the model's time excluded (null when the request has no record). An expression bean, like {@link AuditClaim},
 * because Simple would copy the whole exchange to call the record.
 */
public class AnswerOverhead extends ExpressionAdapter {

    @Override
    public Object evaluate(Exchange exchange) {
        RequestRecord record = exchange.getProperty(ExchangeProperties.REQUEST_RECORD, RequestRecord.class);
        return record == null ? null : record.answerOverheadMs();
    }
}
