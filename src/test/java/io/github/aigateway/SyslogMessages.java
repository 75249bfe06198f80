package io.github.aigateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The syslog messages recipes/audit-syslog.camel.yaml sends, as a SIEM reads them. */
final class SyslogMessages {

    /** RFC 5424 TIMESTAMP as camel-syslog writes it: UTC, milliseconds when there are any. */
    private static final String TIMESTAMP = "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(?:\\.\\d{1,3})?Z";
    /** PRI 134 (local0, info), version 1, HOSTNAME, APP-NAME ai-gateway, no PROCID, MSGID audit, no structured data. */
    private static final Pattern AUDIT_MESSAGE = Pattern.compile(
            "<134>1 " + TIMESTAMP + " (\\S+) ai-gateway - audit - (.*)", Pattern.DOTALL);

    private SyslogMessages() {
    }

    /** The audit line a message carries as its MSG, once its header is checked. */
    static String auditLine(String message) throws UnknownHostException {
        Matcher header = AUDIT_MESSAGE.matcher(message);
        assertThat(header.matches()).as(message).isTrue();
        assertThat(header.group(1)).isEqualTo(InetAddress.getLocalHost().getHostName());
        return header.group(2);
    }
}
