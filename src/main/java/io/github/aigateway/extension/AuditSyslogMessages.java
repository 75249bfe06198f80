package io.github.aigateway.extension;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Calendar;
import java.util.TimeZone;
import org.apache.camel.component.syslog.Rfc5424SyslogMessage;
import org.apache.camel.component.syslog.SyslogFacility;
import org.apache.camel.component.syslog.SyslogSeverity;

/**
 * An audit record as an RFC 5424 syslog message (recipes/audit-syslog.camel.yaml): camel-syslog's
 * {@link Rfc5424SyslogMessage}, which its type converter writes as
 * {@code <PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID STRUCTURED-DATA MSG}. This bean only fills it in: YAML
 * cannot create an object per record.
 */
public class AuditSyslogMessages {

    private String appName = "ai-gateway";
    private String msgId = "audit";
    private SyslogFacility facility = SyslogFacility.LOCAL0;
    private SyslogSeverity severity = SyslogSeverity.INFO;
    private volatile String hostname;

    public void setAppName(String appName) {
        this.appName = appName;
    }

    public void setMsgId(String msgId) {
        this.msgId = msgId;
    }

    public void setFacility(SyslogFacility facility) {
        this.facility = facility;
    }

    public void setSeverity(SyslogSeverity severity) {
        this.severity = severity;
    }

    /** HOSTNAME of every message; by default this machine's host name (a pod's name on Kubernetes). */
    public void setHostname(String hostname) {
        this.hostname = hostname;
    }

    /** The message whose MSG is {@code record}, stamped now (UTC, milliseconds), PROCID and STRUCTURED-DATA nil. */
    public Rfc5424SyslogMessage message(String record) {
        Rfc5424SyslogMessage message = new Rfc5424SyslogMessage();
        message.setFacility(facility);
        message.setSeverity(severity);
        message.setTimestamp(Calendar.getInstance(TimeZone.getTimeZone("UTC")));
        message.setHostname(hostname());
        message.setAppName(appName);
        message.setMsgId(msgId);
        message.setLogMessage(record);
        return message;
    }

    private String hostname() {
        if (hostname == null) {
            hostname = localHostName();
        }
        return hostname;
    }

    /** RFC 5424's HOSTNAME is printable US-ASCII without spaces, else the nil value. */
    private static String localHostName() {
        try {
            String name = InetAddress.getLocalHost().getHostName();
            return name.matches("[\\x21-\\x7e]{1,255}") ? name : "-";
        } catch (UnknownHostException e) {
            return "-";
        }
    }
}
