package io.github.aigateway.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.aigateway.failure.GatewayException;
import io.github.aigateway.model.ModelCall;
import io.github.aigateway.model.Feature;
import io.github.aigateway.catalog.ModelCatalog;
import io.github.aigateway.model.ModelSelection;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Which model endpoints the gateway may call, with host names resolved by a fake DNS. */
class ModelEndpointGuardTest {

    private static final ModelCatalog CATALOG = new ModelCatalog();

    private static final Map<String, String> DNS = Map.of(
            "vllm.internal", "10.0.0.5",
            "gpu.example.com", "203.0.113.7",
            "rebind.example.com", "169.254.169.254",
            "v6-metadata.example.com", "fd00:ec2::254",
            "nat64-metadata.example.com", "64:ff9b:1::a9fe:a9fe",
            "gpu.example.com.evil.test", "198.51.100.9",
            "localhost", "127.0.0.1");

    private final ModelEndpointGuard guard = new ModelEndpointGuard(ModelEndpointGuardTest::resolve);

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "http://169.254.169.254/v1              | 169.254.169.254",
        "http://169.254.1.1:8000/v1             | 169.254.1.1",
        "http://2852039166/v1                   | 169.254.169.254",
        "http://0xa9fea9fe/v1                   | 169.254.169.254",
        "http://[::ffff:169.254.169.254]/v1     | 169.254.169.254",
        "http://[::ffff:a9fe:a9fe]/v1           | 169.254.169.254",
        "http://[::169.254.169.254]/v1          | 0:0:0:0:0:0:a9fe:a9fe",
        "http://[64:ff9b::a9fe:a9fe]/v1         | 64:ff9b:0:0:0:0:a9fe:a9fe",
        "http://[fd00:ec2::254]/v1              | fd00:ec2:0:0:0:0:0:254",
        "http://[fe80::1]:8000/v1               | fe80:0:0:0:0:0:0:1",
        "http://100.100.100.200/v1              | 100.100.100.200",
        "http://rebind.example.com/v1           | 169.254.169.254",
        "http://v6-metadata.example.com/v1      | fd00:ec2:0:0:0:0:0:254",
        "http://[::ffff:0:169.254.169.254]/v1   | 0:0:0:0:ffff:0:a9fe:a9fe",
        "http://[64:ff9b:1::a9fe:a9fe]/v1       | 64:ff9b:1:0:0:0:a9fe:a9fe",
        "http://[64:ff9b:1:a9fe:a9:fe00::]/v1   | 64:ff9b:1:a9fe:a9:fe00:0:0",
        "http://[64:ff9b:1:fe:a9:fea9::]/v1     | 64:ff9b:1:fe:a9:fea9:0:0",
        "http://[64:ff9b:1:0:a9:fea9:fe00:0]/v1 | 64:ff9b:1:0:a9:fea9:fe00:0",
        "http://[2002:a9fe:a9fe::1]/v1          | 2002:a9fe:a9fe:0:0:0:0:1",
        "http://[2002:6464:64c8::]/v1           | 2002:6464:64c8:0:0:0:0:0",
        "http://[2001:0:a9fe:a9fe::1]/v1        | 2001:0:a9fe:a9fe:0:0:0:1",
        "http://[2001:0:4136:e378:8000:63bf:5601:5601]/v1 | 2001:0:4136:e378:8000:63bf:5601:5601",
        "http://[fd00::5efe:a9fe:a9fe]/v1       | fd00:0:0:0:0:5efe:a9fe:a9fe",
        "http://[fd00::200:5efe:a9fe:a9fe]/v1   | fd00:0:0:0:200:5efe:a9fe:a9fe",
        "http://nat64-metadata.example.com/v1   | 64:ff9b:1:0:0:0:a9fe:a9fe"})
    void link_local_and_metadata_addresses_are_refused_in_any_spelling(String endpoint, String address) {
        assertThatThrownBy(() -> guard.requireSafe(callTo(endpoint)))
                .isInstanceOfSatisfying(GatewayException.class, e -> {
                    assertThat(e.getStatus()).isEqualTo(403);
                    assertThat(e.getDetail()).endsWith(
                            "is refused: it is a link-local or cloud metadata address (" + address + ")");
                });
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://metadata.google.internal/computeMetadata/v1", "http://METADATA.google.internal./v1",
        "http://metadata/v1", "http://instance-data/latest", "http://metadata.azure.com/v1"})
    void metadata_host_names_are_refused_without_asking_dns(String endpoint) {
        assertThatThrownBy(() -> guard.requireSafe(callTo(endpoint)))
                .isInstanceOf(GatewayException.class)
                .hasMessageEndingWith("is refused: it is a cloud metadata service");
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://127.0.0.1:8000/v1", "http://localhost:8000/v1", "http://[::1]:8000/v1",
        "http://10.1.2.3:8000/v1", "http://192.168.1.20/v1", "http://172.16.0.9/v1", "http://vllm.internal:8000/v1",
        "https://gpu.example.com/v1", "http://[64:ff9b::a00:5]/v1", "http://[64:ff9b:1::a00:5]/v1",
        "http://[2002:a00:5::1]/v1", "http://[::ffff:0:10.0.0.5]/v1", "http://[2001:db8::1]/v1"})
    void private_networks_loopback_and_public_hosts_are_allowed_by_default(String endpoint) {
        assertThatCode(() -> guard.requireSafe(callTo(endpoint))).doesNotThrowAnyException();
    }

    @ParameterizedTest(name = "{0} with {1}")
    @CsvSource(delimiter = '|', value = {
        "http://vllm.internal:8000/v1          | vllm.internal",
        "http://vllm.internal:8000/v1          | 10.0.0.0/8",
        "http://10.0.0.5/v1                    | 10.0.0.5",
        "https://gpu.example.com/v1            | https://gpu.example.com/v1",
        "https://gpu.example.com/v1/extra      | https://gpu.example.com/v1/",
        "http://127.0.0.1:8000/v1              | 10.0.0.0/8, 127.0.0.0/8"})
    void an_allowlist_lets_its_entries_through(String endpoint, String allowlist) {
        guard.setAllowlist(allowlist);

        assertThatCode(() -> guard.requireSafe(callTo(endpoint))).doesNotThrowAnyException();
    }

    @ParameterizedTest(name = "{0} with {1}")
    @CsvSource(delimiter = '|', value = {
        "http://10.0.0.6/v1                    | 10.0.0.5",
        "http://vllm.internal:8000/v1          | 192.168.0.0/16",
        "https://gpu.example.com.evil.test/v1  | gpu.example.com",
        "https://gpu.example.com/v10           | https://gpu.example.com/v1",
        "http://gpu.example.com/v1             | https://gpu.example.com/v1",
        "http://127.0.0.1:8000/v1              | localhost"})
    void an_allowlist_refuses_everything_else(String endpoint, String allowlist) {
        guard.setAllowlist(allowlist);

        assertThatThrownBy(() -> guard.requireSafe(callTo(endpoint)))
                .isInstanceOf(GatewayException.class)
                .hasMessageEndingWith("is refused: it is not in AIGW_MODEL_ENDPOINT_ALLOWLIST");
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://0xA9.0xFE.0xA9.0xFE/v1", "http://0251.0376.0251.0376/v1", "http://169.254.43518/v1"})
    void spellings_that_are_no_valid_url_host_never_get_that_far(String endpoint) {
        // java.net.URI reads no host in these, so the request is refused as unusable before any check
        assertThatThrownBy(() -> model(endpoint)).isInstanceOfSatisfying(GatewayException.class,
                e -> assertThat(e.getStatus()).isEqualTo(422));
    }

    @ParameterizedTest
    @ValueSource(strings = {"2852039166", "0xa9fea9fe", "0xA9.0xFE.0xA9.0xFE", "0251.0376.0251.0376", "169.254.43518",
        "169.16689662", "0251.254.169.0376"})
    void inet_aton_spellings_of_the_metadata_address_are_read_as_it(String host) {
        assertThat(IpAddresses.inetAton(host)).hasValueSatisfying(
                address -> assertThat(address.getHostAddress()).isEqualTo("169.254.169.254"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"vllm.internal", "4294967296", "1.2.3.4.5", "256.1.1.1", "0x1.0x2.0x3.0x100", "09.1.1.1", ""})
    void names_and_out_of_range_numbers_are_not_ipv4(String host) {
        assertThat(IpAddresses.inetAton(host)).isEmpty();
    }

    @Test
    void an_allowlist_never_opens_metadata_addresses() {
        guard.setAllowlist("0.0.0.0/0, rebind.example.com");

        assertThatThrownBy(() -> guard.requireSafe(callTo("http://rebind.example.com/v1")))
                .hasMessageContaining("link-local or cloud metadata address");
    }

    @Test
    void a_host_that_does_not_resolve_is_left_to_fail_as_unreachable() {
        assertThatCode(() -> guard.requireSafe(callTo("http://nowhere.invalid/v1"))).doesNotThrowAnyException();
    }

    @Test
    void a_host_that_does_not_resolve_is_in_no_address_range() {
        guard.setAllowlist("0.0.0.0/0");

        assertThatThrownBy(() -> guard.requireSafe(callTo("http://nowhere.invalid/v1")))
                .hasMessageEndingWith("is refused: it is not in AIGW_MODEL_ENDPOINT_ALLOWLIST");
    }

    @Test
    void selections_without_an_endpoint_pass() {
        assertThatCode(() -> guard.requireSafe(
                call(CATALOG.select("claude_3", null, null, "bedrock/anthropic.claude-3-5-sonnet"))))
                .doesNotThrowAnyException();
    }

    private static ModelCall callTo(String endpoint) {
        return call(model(endpoint));
    }

    private static ModelCall call(ModelSelection model) {
        return new ModelCall(Feature.CODE_COMPLETIONS, model, "codestral", List.of(), 0.1, 64, List.of(), false);
    }

    private static ModelSelection model(String endpoint) {
        return CATALOG.select("codestral", endpoint, "sk-secret", "custom_openai/codestral");
    }

    private static InetAddress[] resolve(String host) throws UnknownHostException {
        String address = DNS.get(host);
        if (address == null) {
            throw new UnknownHostException(host);
        }
        return new InetAddress[]{InetAddress.getByName(address)};
    }
}
