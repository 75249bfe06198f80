package io.github.aigateway.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.aigateway.failure.ErrorReply;
import java.net.SocketTimeoutException;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;

/** Failures of the AWS SDK before Bedrock answered; route tests cover Bedrock's own error answers. */
class GitLabErrorsAwsTest {

    private final GitLabErrors errors = new GitLabErrors();

    private static Exchange failedWith(Exception e) {
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.setProperty(Exchange.EXCEPTION_CAUGHT, e);
        return exchange;
    }

    @Test
    void missing_aws_credentials_say_what_to_set() {
        SdkClientException missing = SdkClientException.create("Unable to load credentials from any of the providers"
                + " in the chain AwsCredentialsProviderChain(credentialsProviders=[SystemPropertyCredentialsProvider(),"
                + " EnvironmentVariableCredentialsProvider()]) : [SystemPropertyCredentialsProvider(): Unable to load"
                + " credentials from system settings. Access key must be specified either via environment variable"
                + " (AWS_ACCESS_KEY_ID) or system property (aws.accessKeyId).]");

        ErrorReply reply = errors.reply(failedWith(missing));

        assertThat(reply).isEqualTo(new ErrorReply(503, "{\"detail\":\"Inference failed: the gateway found no AWS"
                + " credentials for Bedrock. Set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, AWS_PROFILE, or give the"
                + " pod an IAM role\"}", null));
    }

    @Test
    void a_read_timeout_inside_the_sdk_is_504() {
        SdkClientException timeout = SdkClientException.create("Unable to execute HTTP request: Read timed out",
                new SocketTimeoutException("Read timed out"));

        assertThat(errors.reply(failedWith(timeout)))
                .isEqualTo(new ErrorReply(504, "{\"detail\":\"Inference timed out\"}", null));
    }

    @Test
    void an_unreachable_bedrock_is_503() {
        SdkClientException refused = SdkClientException.create("Unable to execute HTTP request: Connection refused",
                new java.net.ConnectException("Connection refused"));

        assertThat(errors.reply(failedWith(refused)))
                .isEqualTo(new ErrorReply(503, "{\"detail\":\"Inference failed\"}", null));
    }
}
