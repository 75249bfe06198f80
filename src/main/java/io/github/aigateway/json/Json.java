package io.github.aigateway.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.UncheckedIOException;

/**
 * The gateway's one JSON mapper. Jackson's default buffer pool is per thread: with a virtual thread per
 * request, every request allocated fresh read and write buffers (about 10 KB), and a stream's thread kept
 * them for as long as the stream ran (20 MB at 2,000 streams). This mapper shares one pool instead.
 */
public final class Json {

    public static final ObjectMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
            .recyclerPool(JsonRecyclerPools.sharedLockFreePool()).build()).build();

    private Json() {
    }

    /**
     * A tree as JSON text. Use this, not {@code JsonNode.toString()}, which writes through Jackson's own
     * mapper and so its per-thread buffers.
     */
    public static String write(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e); // a tree always serialises
        }
    }
}
