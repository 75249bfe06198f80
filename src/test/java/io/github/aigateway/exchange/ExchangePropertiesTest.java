package io.github.aigateway.exchange;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.aigateway.exchange.ExchangeProperties.Holds;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Routes, recipes and beans share only the exchange properties {@link ExchangeProperties} declares. */
class ExchangePropertiesTest {

    /** {@code ${exchangeProperty.name...}}, {@code exchangeProperty(name)}, {@code exchangeProperty[name]} */
    private static final Pattern READ = Pattern.compile("exchangeProperty[.(\\[]\\s*'?([A-Za-z_][A-Za-z0-9_]*)");
    /** a setProperty or removeProperty step and its name */
    private static final Pattern WRITE = Pattern.compile("(?:setProperty|removeProperty):\\s*\\n\\s*name:\\s*\"?([A-Za-z_][A-Za-z0-9_]*)");
    /** an exchange's property named by a literal (system properties have dots in their names) */
    private static final Pattern JAVA_LITERAL = Pattern.compile("(?:get|set|remove)Property\\(\\s*\"([A-Za-z_][A-Za-z0-9_]*)\"");

    private static Map<String, Field> declared() {
        Map<String, Field> declared = new TreeMap<>();
        for (Field field : ExchangeProperties.class.getDeclaredFields()) {
            if (Modifier.isStatic(field.getModifiers()) && field.getType() == String.class) {
                try {
                    declared.put((String) field.get(null), field);
                } catch (IllegalAccessException e) {
                    throw new AssertionError(e);
                }
            }
        }
        return declared;
    }

    /** Where each property a YAML file uses is used: name → first file. */
    private static Map<String, String> usedInYaml() throws IOException {
        Map<String, String> used = new LinkedHashMap<>();
        for (String folder : new String[]{"routes", "recipes", "src/test/resources"}) {
            try (Stream<Path> files = Files.walk(Path.of(folder))) {
                for (Path file : files.filter(f -> f.toString().endsWith(".camel.yaml")).sorted().toList()) {
                    String text = Files.readString(file);
                    for (Pattern pattern : new Pattern[]{READ, WRITE}) {
                        Matcher m = pattern.matcher(text);
                        while (m.find()) {
                            if (!m.group(1).startsWith("Camel")) {
                                used.putIfAbsent(m.group(1), file.toString());
                            }
                        }
                    }
                }
            }
        }
        return used;
    }

    @Test
    void routes_and_recipes_use_only_declared_properties() throws IOException {
        Map<String, String> undeclared = new TreeMap<>(usedInYaml());
        undeclared.keySet().removeAll(declared().keySet());
        assertThat(undeclared).as("exchange properties used in YAML but not declared in ExchangeProperties").isEmpty();
    }

    @Test
    void every_declared_property_has_a_type_that_exists_a_setter_and_a_seam() {
        declared().forEach((name, field) -> {
            Holds holds = field.getAnnotation(Holds.class);
            assertThat(holds).as(name + " has @Holds").isNotNull();
            assertThat(holds.setBy()).as(name + " setBy").isNotBlank();
            try {
                Class.forName(holds.type(), false, getClass().getClassLoader());
            } catch (ClassNotFoundException e) {
                throw new AssertionError(name + ": no class " + holds.type(), e);
            }
        });
    }

    @Test
    void beans_name_properties_through_the_declared_constants_and_use_every_one() throws IOException {
        Set<String> literals = new TreeSet<>();
        StringBuilder java = new StringBuilder();
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                String text = Files.readString(file);
                Matcher m = JAVA_LITERAL.matcher(text);
                while (m.find()) {
                    literals.add(file.getFileName() + ": " + m.group(1));
                }
                if (!file.endsWith("ExchangeProperties.java")) {
                    java.append(text);
                }
            }
        }
        assertThat(literals).as("property names written as literals instead of ExchangeProperties constants").isEmpty();

        Set<String> yaml = usedInYaml().keySet();
        Set<String> unused = declared().entrySet().stream()
                .filter(e -> !yaml.contains(e.getKey())
                        && !java.toString().contains("ExchangeProperties." + e.getValue().getName()))
                .map(Map.Entry::getKey).collect(Collectors.toCollection(TreeSet::new));
        assertThat(unused).as("declared properties nothing uses").isEmpty();
    }

    @Test
    void the_integrator_guide_lists_every_declared_property_with_its_type_and_seam() throws IOException {
        String guide = Files.readString(Path.of("docs/integrator-guide.md"));
        String section = guide.substring(guide.indexOf("### Exchange properties"));
        Matcher row = Pattern.compile("(?m)^\\| `([^`]+)` \\| `([^`]+)` \\| [^|]+ \\| ([^|]+) \\|$").matcher(section);
        Map<String, String> listed = new TreeMap<>();
        while (row.find()) {
            listed.put(row.group(1), row.group(2) + " " + row.group(3).strip());
        }
        Map<String, String> expected = new TreeMap<>();
        declared().forEach((name, field) -> {
            Holds holds = field.getAnnotation(Holds.class);
            String seam = holds.from() == ExchangeProperties.Seam.INTERNAL ? "internal" : "`" + holds.from().routeId() + "`";
            expected.put(name, holds.type().replace("io.github.aigateway.", "").replace('$', '.') + " " + seam);
        });
        assertThat(listed).isEqualTo(expected);
    }

    @Test
    void the_seams_named_are_the_routes_of_extension_seams() throws IOException {
        String seams = Files.readString(Path.of("routes/extension-seams.camel.yaml"));
        Arrays.stream(ExchangeProperties.Seam.values()).filter(s -> s != ExchangeProperties.Seam.INTERNAL)
                .forEach(s -> assertThat(seams).contains("uri: direct:" + s.routeId()));
    }
}
