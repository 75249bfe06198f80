package io.github.aigateway;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Points the gateway under test at the fake Bedrock with the fake's static keys, through JVM system
 * properties (which override application.properties and come first in the AWS credentials chain), so
 * the tests never depend on the machine's AWS environment. Each Bedrock test class calls {@link #use()}
 * before its tests and {@link #clear()} after them; surefire also disables EC2 instance metadata for the
 * whole test JVM, so a misconfigured test fails instead of looking for credentials off the machine.
 */
final class BedrockTestSetup {

    static final String REGION = "eu-west-3";

    private static final String[] PROPERTIES = {"gateway.bedrock.endpoint", "aws.accessKeyId", "aws.secretAccessKey"};
    private static FakeBedrock fake;

    private BedrockTestSetup() {
    }

    /** The fake Bedrock, started once for the test JVM. */
    static synchronized FakeBedrock fakeBedrock() {
        if (fake == null) {
            try {
                fake = new FakeBedrock(REGION);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return fake;
    }

    /** Sets the properties that point the gateway (and the SDK's credentials chain) at the fake. */
    static void use() {
        System.setProperty("gateway.bedrock.endpoint", fakeBedrock().endpoint());
        System.setProperty("aws.accessKeyId", FakeBedrock.ACCESS_KEY);
        System.setProperty("aws.secretAccessKey", FakeBedrock.SECRET_KEY);
    }

    /** Leaves the JVM's properties as they were for the test classes that follow. */
    static void clear() {
        for (String property : PROPERTIES) {
            System.clearProperty(property);
        }
    }
}
