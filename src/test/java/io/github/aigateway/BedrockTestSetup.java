package io.github.aigateway;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Points the gateway under test at the fake Bedrock with the fake's static keys, through JVM system
 * properties (which override application.properties and come first in the AWS credentials chain), so
 * the tests never depend on the machine's AWS environment or reach for instance metadata.
 */
final class BedrockTestSetup {

    private static final String[] PROPERTIES = {
        "gateway.bedrock.endpoint", "aws.accessKeyId", "aws.secretAccessKey", "aws.disableEc2Metadata"};
    private static FakeBedrock fake;

    private BedrockTestSetup() {
    }

    /** The fake Bedrock, started once for the test JVM, and the properties that point the gateway at it. */
    static synchronized FakeBedrock fakeBedrock(String region) {
        try {
            if (fake == null) {
                fake = new FakeBedrock(region);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        System.setProperty("gateway.bedrock.endpoint", fake.endpoint());
        System.setProperty("aws.accessKeyId", FakeBedrock.ACCESS_KEY);
        System.setProperty("aws.secretAccessKey", FakeBedrock.SECRET_KEY);
        System.setProperty("aws.disableEc2Metadata", "true");
        return fake;
    }

    /** Leaves the JVM's properties as they were for the test classes that follow. */
    static void clear() {
        for (String property : PROPERTIES) {
            System.clearProperty(property);
        }
    }
}
