package io.github.aigateway.backend.openai;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.http.HttpClosedException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.util.concurrent.TimeoutException;
import org.apache.hc.client5.http.ConnectTimeoutException;
import org.junit.jupiter.api.Test;

/** The Vert.x client's failures reach the retry loop, breakers and error handler as camel-http's would. */
class ModelStreamTest {

    @Test
    void a_connection_not_obtained_in_time_is_a_connect_timeout() {
        assertThat(ModelStream.transportFailure(new TimeoutException("no connection in 300 ms"), true))
                .isInstanceOf(ConnectTimeoutException.class).hasMessage("no connection in 300 ms");
        assertThat(ModelStream.transportFailure(new io.netty.channel.ConnectTimeoutException("connect timed out"), true))
                .isInstanceOf(ConnectTimeoutException.class);
    }

    @Test
    void silence_after_the_request_went_out_is_a_read_timeout() {
        assertThat(ModelStream.transportFailure(new TimeoutException("idle"), false))
                .isExactlyInstanceOf(SocketTimeoutException.class);
    }

    @Test
    void a_refused_connection_stays_what_it_is() {
        ConnectException refused = new ConnectException("Connection refused");

        assertThat(ModelStream.transportFailure(refused, true)).isSameAs(refused);
    }

    @Test
    void a_closed_connection_is_an_io_failure() {
        HttpClosedException closed = new HttpClosedException("Connection was closed");

        IOException failure = ModelStream.transportFailure(closed, false);

        assertThat(failure).isExactlyInstanceOf(IOException.class).hasCause(closed)
                .hasMessageContaining("Connection was closed");
    }
}
