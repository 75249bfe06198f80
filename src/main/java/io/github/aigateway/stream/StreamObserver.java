package io.github.aigateway.stream;

/** Told what a stream sends, for the audit record. */
public interface StreamObserver {

    /** The first bytes went out. */
    void firstChunk();

    /** A piece of generated text went out. */
    void text(String text);

    /** Value of {@code X-Gateway-Overhead-Ms} as the stream's headers go out; null for none. */
    default String streamOverheadMs() {
        return null;
    }

    /** An observer for streams nobody audits. */
    StreamObserver NONE = new StreamObserver() {
        @Override
        public void firstChunk() {
        }

        @Override
        public void text(String text) {
        }
    };
}
