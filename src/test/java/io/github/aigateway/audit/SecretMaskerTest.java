package io.github.aigateway.audit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SecretMaskerTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "Authorization: Bearer abc.def-ghi | Authorization: Bearer ****",
        "token eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln here | token **** here",
        "key AKIAABCDEFGHIJKLMNOP used | key **** used",
        "{\"api_key\": \"sk-abc\"} | {\"api_key\": \"****\"}",
        "aws_secret_access_key=wJalrXUtnFEMI/K7MDENG | aws_secret_access_key=****",
        "the request key my-own-key-42 leaked | the request key **** leaked",
        "GET https://user:pw@gitlab.example.com/x | GET https://****@gitlab.example.com/x",
        "nothing secret here | nothing secret here"})
    void masks_credentials(String text, String masked) {
        assertThat(SecretMasker.mask(text, "my-own-key-42")).isEqualTo(masked);
    }
}
