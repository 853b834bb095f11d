package io.pipelines.security;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;

/**
 * A request whose body was read once (up to a limit) so that the filters can look at it, and is
 * read again from memory by whatever handles it.
 */
final class CachedBodyRequest extends HttpServletRequestWrapper {

    /** The largest body looked at; a larger one is refused (413) on the paths that need it read. */
    static final int MAX_BODY = 1 << 20;

    private final byte[] body;

    private CachedBodyRequest(HttpServletRequest request, byte[] body) {
        super(request);
        this.body = body;
    }

    /** The request with its body in memory (itself when it is one already); null when the body is too large. */
    static CachedBodyRequest of(HttpServletRequest request) throws IOException {
        if (request instanceof CachedBodyRequest cached) {
            return cached;
        }
        byte[] body = request.getInputStream().readNBytes(MAX_BODY + 1);
        return body.length > MAX_BODY ? null : new CachedBodyRequest(request, body);
    }

    String text() {
        return new String(body, StandardCharsets.UTF_8);
    }

    @Override
    public ServletInputStream getInputStream() {
        ByteArrayInputStream in = new ByteArrayInputStream(body);
        return new ServletInputStream() {
            @Override
            public int read() {
                return in.read();
            }

            @Override
            public int read(byte[] b, int off, int len) {
                return in.read(b, off, len);
            }

            @Override
            public boolean isFinished() {
                return in.available() == 0;
            }

            @Override
            public boolean isReady() {
                return true;
            }

            @Override
            public void setReadListener(ReadListener listener) {
                throw new UnsupportedOperationException("the body is already in memory");
            }
        };
    }

    @Override
    public BufferedReader getReader() {
        String encoding = getCharacterEncoding();
        return new BufferedReader(new InputStreamReader(getInputStream(),
                encoding == null ? StandardCharsets.UTF_8 : java.nio.charset.Charset.forName(encoding)));
    }
}
