package io.wirespeed.control.lab;

import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;

/** Files under src/test/resources/lb/ (nginx config template, tunnel scripts) as paths tools can open. */
public final class LbResources {
    private LbResources() {}

    /** The path of resource lb/NAME; the test classes are a directory, so it is a real file. */
    public static Path path(String name) {
        String resource = "/lb/" + name;
        URL url = LbResources.class.getResource(resource);
        if (url == null) {
            throw new IllegalStateException("test resource " + resource + " not found on the class path");
        }
        try {
            Path path = Path.of(url.toURI());
            if (!Files.isRegularFile(path)) {
                throw new IllegalStateException("test resource " + resource + " is not a file: " + url);
            }
            return path;
        } catch (URISyntaxException | IllegalArgumentException e) {
            throw new IllegalStateException("test resource " + resource + " is not a file (" + url + "): " + e, e);
        }
    }
}
