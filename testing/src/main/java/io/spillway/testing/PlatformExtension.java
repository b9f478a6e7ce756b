package io.spillway.testing;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

import io.spillway.platform.Platform;

/**
 * JUnit 5 extension that starts (or reuses) {@link TestPlatform#shared()} before a test class and injects it
 * into test constructors, lifecycle methods and test methods that take a {@link Platform} parameter.
 */
public final class PlatformExtension implements BeforeAllCallback, ParameterResolver {

    @Override
    public void beforeAll(ExtensionContext context) {
        TestPlatform.shared();
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == Platform.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return TestPlatform.shared();
    }
}
