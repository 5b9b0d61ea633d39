package harness.esshim;

import org.apache.lucene.analysis.CharArraySet;
import org.apache.lucene.analysis.TokenFilter;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.Tokenizer;
import org.apache.lucene.analysis.core.FlattenGraphFilter;
import org.apache.lucene.analysis.core.KeywordTokenizer;
import org.apache.lucene.analysis.core.LetterTokenizer;
import org.apache.lucene.analysis.core.WhitespaceTokenizer;
import org.apache.lucene.analysis.de.GermanLightStemFilter;
import org.apache.lucene.analysis.email.UAX29URLEmailTokenizer;
import org.apache.lucene.analysis.de.GermanMinimalStemFilter;
import org.apache.lucene.analysis.en.EnglishMinimalStemFilter;
import org.apache.lucene.analysis.en.EnglishPossessiveFilter;
import org.apache.lucene.analysis.en.KStemFilter;
import org.apache.lucene.analysis.en.PorterStemFilter;
import org.apache.lucene.analysis.es.SpanishLightStemFilter;
import org.apache.lucene.analysis.fr.FrenchAnalyzer;
import org.apache.lucene.analysis.fr.FrenchLightStemFilter;
import org.apache.lucene.analysis.fr.FrenchMinimalStemFilter;
import org.apache.lucene.analysis.it.ItalianLightStemFilter;
import org.apache.lucene.analysis.miscellaneous.ASCIIFoldingFilter;
import org.apache.lucene.analysis.ngram.EdgeNGramTokenFilter;
import org.apache.lucene.analysis.ngram.EdgeNGramTokenizer;
import org.apache.lucene.analysis.ngram.NGramTokenFilter;
import org.apache.lucene.analysis.ngram.NGramTokenizer;
import org.apache.lucene.analysis.pattern.PatternCaptureGroupTokenFilter;
import org.apache.lucene.analysis.pt.PortugueseLightStemFilter;
import org.apache.lucene.analysis.snowball.SnowballFilter;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.analysis.tokenattributes.PositionIncrementAttribute;
import org.apache.lucene.analysis.util.ElisionFilter;
import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.index.IndexSettings;
import org.elasticsearch.index.analysis.AbstractTokenFilterFactory;
import org.elasticsearch.index.analysis.AbstractTokenizerFactory;
import org.elasticsearch.index.analysis.Analysis;
import org.elasticsearch.index.analysis.TokenFilterFactory;
import org.elasticsearch.index.analysis.TokenizerFactory;
import org.elasticsearch.indices.analysis.AnalysisModule.AnalysisProvider;
import org.elasticsearch.plugins.AnalysisPlugin;

import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.IntPredicate;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Tokenizers and (non-synonym) token filters normally provided by the analysis-common module,
 * limited to the ones the project and Wagtail's backend use. Setting names and defaults follow
 * the Elasticsearch reference docs; unsupported options fail loudly instead of being ignored.
 */
final class AnalysisComponents {

    private AnalysisComponents() {}

    static Map<String, AnalysisProvider<TokenFilterFactory>> tokenFilters() {
        Map<String, AnalysisProvider<TokenFilterFactory>> filters = new TreeMap<>();
        filters.put("asciifolding", (is, env, name, s) -> {
            boolean preserveOriginal = s.getAsBoolean("preserve_original", false);
            return new Filter(name, s, in -> new ASCIIFoldingFilter(in, preserveOriginal), true) {
                @Override
                public TokenFilterFactory getSynonymFilter() {
                    // Stacked tokens (original + folded) cannot be parsed into a synonym map:
                    // fold only, as the synonym rules are matched against folded text anyway.
                    return preserveOriginal ? new Filter(name, s, ASCIIFoldingFilter::new, true) : this;
                }
            };
        });
        filters.put("elision", (is, env, name, s) -> {
            CharArraySet parsed = Analysis.parseArticles(env, s);
            // The real module only allows the bare name with French defaults; accept both.
            CharArraySet articles = parsed != null ? parsed : FrenchAnalyzer.DEFAULT_ARTICLES;
            return new Filter(name, s, in -> new ElisionFilter(in, articles), true);
        });
        filters.put("stemmer", (is, env, name, s) -> {
            String language = s.get("language", s.get("name", "porter"));
            return new Filter(name, s, stemmer(language), false);
        });
        filters.put("snowball", (is, env, name, s) -> {
            String language = s.get("language", "English");
            return new Filter(name, s, in -> new SnowballFilter(in, language), false);
        });
        filters.put("ngram", (is, env, name, s) -> {
            int min = s.getAsInt("min_gram", 1);
            int max = s.getAsInt("max_gram", 2);
            boolean preserve = s.getAsBoolean("preserve_original", false);
            checkNgramDiff(is, name, min, max);
            return new Filter(name, s, in -> new NGramTokenFilter(in, min, max, preserve), false) {
                @Override
                public TokenFilterFactory getSynonymFilter() {
                    throw new IllegalArgumentException("Token filter [" + name() + "] cannot be used to parse synonyms");
                }
            };
        });
        filters.put("edge_ngram", (is, env, name, s) -> {
            int min = s.getAsInt("min_gram", 1);
            int max = s.getAsInt("max_gram", 2);
            boolean preserve = s.getAsBoolean("preserve_original", false);
            if ("back".equals(s.get("side", "front"))) {
                throw new IllegalArgumentException("[side=back] is not supported; use a reverse filter instead");
            }
            return new Filter(name, s, in -> new EdgeNGramTokenFilter(in, min, max, preserve), false) {
                @Override
                public TokenFilterFactory getSynonymFilter() {
                    throw new IllegalArgumentException("Token filter [" + name() + "] cannot be used to parse synonyms");
                }
            };
        });
        filters.put("flatten_graph", (is, env, name, s) -> new Filter(name, s, FlattenGraphFilter::new, false));
        // The two below and the uax_url_email tokenizer: the "email" analyzer of the .security
        // system index, which the security module creates for API keys and native users.
        filters.put("pattern_capture", AnalysisPlugin.requiresAnalysisSettings((is, env, name, s) -> {
            List<String> regexes = s.getAsList("patterns");
            if (regexes.isEmpty()) {
                throw new IllegalArgumentException("required setting 'patterns' is missing for token filter [" + name + "]");
            }
            Pattern[] patterns = regexes.stream().map(Pattern::compile).toArray(Pattern[]::new);
            boolean preserveOriginal = s.getAsBoolean("preserve_original", true);
            return new Filter(name, s, in -> new PatternCaptureGroupTokenFilter(in, preserveOriginal, patterns), false);
        }));
        filters.put("unique", (is, env, name, s) -> {
            boolean onlyOnSamePosition = s.getAsBoolean("only_on_same_position", false);
            return new Filter(name, s, in -> new UniqueTokenFilter(in, onlyOnSamePosition), false);
        });
        return filters;
    }

    static Map<String, AnalysisProvider<TokenizerFactory>> tokenizers() {
        Map<String, AnalysisProvider<TokenizerFactory>> tokenizers = new TreeMap<>();
        tokenizers.put("whitespace", (is, env, name, s) -> {
            int maxLen = s.getAsInt("max_token_length", 255);
            return new SimpleTokenizer(is, s, name, () -> new WhitespaceTokenizer(TokenStream.DEFAULT_TOKEN_ATTRIBUTE_FACTORY, maxLen));
        });
        tokenizers.put("keyword", (is, env, name, s) -> {
            int bufferSize = s.getAsInt("buffer_size", 256);
            return new SimpleTokenizer(is, s, name, () -> new KeywordTokenizer(bufferSize));
        });
        tokenizers.put("letter", (is, env, name, s) -> new SimpleTokenizer(is, s, name, LetterTokenizer::new));
        tokenizers.put("uax_url_email", (is, env, name, s) -> {
            int maxLen = s.getAsInt("max_token_length", 255);
            return new SimpleTokenizer(is, s, name, () -> {
                UAX29URLEmailTokenizer tokenizer = new UAX29URLEmailTokenizer();
                tokenizer.setMaxTokenLength(maxLen);
                return tokenizer;
            });
        });
        tokenizers.put("ngram", (is, env, name, s) -> {
            int min = s.getAsInt("min_gram", 1);
            int max = s.getAsInt("max_gram", 2);
            checkNgramDiff(is, name, min, max);
            IntPredicate tokenChars = tokenChars(s);
            return new SimpleTokenizer(is, s, name, () -> tokenChars == null ? new NGramTokenizer(min, max) : new NGramTokenizer(min, max) {
                @Override
                protected boolean isTokenChar(int chr) {
                    return tokenChars.test(chr);
                }
            });
        });
        tokenizers.put("edge_ngram", (is, env, name, s) -> {
            int min = s.getAsInt("min_gram", 1);
            int max = s.getAsInt("max_gram", 2);
            IntPredicate tokenChars = tokenChars(s);
            return new SimpleTokenizer(
                is,
                s,
                name,
                () -> tokenChars == null ? new EdgeNGramTokenizer(min, max) : new EdgeNGramTokenizer(min, max) {
                    @Override
                    protected boolean isTokenChar(int chr) {
                        return tokenChars.test(chr);
                    }
                }
            );
        });
        return tokenizers;
    }

    /** Same guard as the real ngram components: index.max_ngram_diff (default 1) caps max-min. */
    private static void checkNgramDiff(IndexSettings indexSettings, String name, int min, int max) {
        int allowed = indexSettings.getMaxNgramDiff();
        if (max - min > allowed) {
            throw new IllegalArgumentException(
                "The difference between max_gram and min_gram in NGram ["
                    + name
                    + "] must be less than or equal to: ["
                    + allowed
                    + "] but was ["
                    + (max - min)
                    + "]. This limit can be set by changing the ["
                    + IndexSettings.MAX_NGRAM_DIFF_SETTING.getKey()
                    + "] index level setting."
            );
        }
    }

    /** token_chars classes for the ngram tokenizers; null means "every character". */
    private static IntPredicate tokenChars(Settings s) {
        List<String> classes = s.getAsList("token_chars");
        if (classes.isEmpty()) {
            return null;
        }
        IntPredicate result = c -> false;
        for (String cls : classes) {
            IntPredicate p = switch (cls.toLowerCase(Locale.ROOT)) {
                case "letter" -> Character::isLetter;
                case "digit" -> Character::isDigit;
                case "whitespace" -> Character::isWhitespace;
                case "punctuation" -> c -> switch (Character.getType(c)) {
                    case Character.START_PUNCTUATION, Character.END_PUNCTUATION, Character.OTHER_PUNCTUATION,
                        Character.CONNECTOR_PUNCTUATION, Character.DASH_PUNCTUATION, Character.INITIAL_QUOTE_PUNCTUATION,
                        Character.FINAL_QUOTE_PUNCTUATION -> true;
                    default -> false;
                };
                case "symbol" -> c -> switch (Character.getType(c)) {
                    case Character.CURRENCY_SYMBOL, Character.MATH_SYMBOL, Character.OTHER_SYMBOL, Character.MODIFIER_SYMBOL -> true;
                    default -> false;
                };
                default -> throw new IllegalArgumentException("Unsupported token_chars class [" + cls + "] in the harness shim");
            };
            result = result.or(p);
        }
        return result;
    }

    /** The "stemmer" filter: language name -> Lucene stemmer, for the languages we may need. */
    private static Function<TokenStream, TokenStream> stemmer(String language) {
        return switch (language.toLowerCase(Locale.ROOT)) {
            case "italian" -> in -> new SnowballFilter(in, new org.tartarus.snowball.ext.ItalianStemmer());
            case "light_italian" -> ItalianLightStemFilter::new;
            case "english", "porter" -> PorterStemFilter::new;
            case "porter2" -> in -> new SnowballFilter(in, new org.tartarus.snowball.ext.EnglishStemmer());
            case "light_english", "kstem" -> KStemFilter::new;
            case "minimal_english" -> EnglishMinimalStemFilter::new;
            case "possessive_english" -> EnglishPossessiveFilter::new;
            case "french" -> in -> new SnowballFilter(in, new org.tartarus.snowball.ext.FrenchStemmer());
            case "light_french" -> FrenchLightStemFilter::new;
            case "minimal_french" -> FrenchMinimalStemFilter::new;
            case "german" -> in -> new SnowballFilter(in, new org.tartarus.snowball.ext.GermanStemmer());
            case "light_german" -> GermanLightStemFilter::new;
            case "minimal_german" -> GermanMinimalStemFilter::new;
            case "spanish" -> in -> new SnowballFilter(in, new org.tartarus.snowball.ext.SpanishStemmer());
            case "light_spanish" -> SpanishLightStemFilter::new;
            case "portuguese" -> in -> new SnowballFilter(in, new org.tartarus.snowball.ext.PortugueseStemmer());
            case "light_portuguese" -> PortugueseLightStemFilter::new;
            default -> throw new IllegalArgumentException("Stemmer language [" + language + "] is not supported by the harness shim");
        };
    }

    /** A token filter defined by a TokenStream wrapper; "normalizing" ones also apply to keyword normalizers. */
    static class Filter extends AbstractTokenFilterFactory {
        private final Function<TokenStream, TokenStream> wrap;
        private final boolean normalizing;

        Filter(String name, Settings settings, Function<TokenStream, TokenStream> wrap, boolean normalizing) {
            super(name, settings);
            this.wrap = wrap;
            this.normalizing = normalizing;
        }

        @Override
        public TokenStream create(TokenStream tokenStream) {
            return wrap.apply(tokenStream);
        }

        @Override
        public TokenStream normalize(TokenStream tokenStream) {
            return normalizing ? wrap.apply(tokenStream) : tokenStream;
        }
    }

    /** The "unique" filter of analysis-common: drops a term already seen (in the stream, or at the same position). */
    static final class UniqueTokenFilter extends TokenFilter {
        private final CharTermAttribute termAttribute = addAttribute(CharTermAttribute.class);
        private final PositionIncrementAttribute posIncAttribute = addAttribute(PositionIncrementAttribute.class);
        private final CharArraySet previous = new CharArraySet(8, false);
        private final boolean onlyOnSamePosition;

        UniqueTokenFilter(TokenStream in, boolean onlyOnSamePosition) {
            super(in);
            this.onlyOnSamePosition = onlyOnSamePosition;
        }

        @Override
        public boolean incrementToken() throws IOException {
            while (input.incrementToken()) {
                char[] term = termAttribute.buffer();
                int length = termAttribute.length();
                boolean duplicate;
                if (onlyOnSamePosition) {
                    int increment = posIncAttribute.getPositionIncrement();
                    if (increment > 0) {
                        previous.clear();
                    }
                    duplicate = increment == 0 && previous.contains(term, 0, length);
                } else {
                    duplicate = previous.contains(term, 0, length);
                }
                char[] saved = new char[length];
                System.arraycopy(term, 0, saved, 0, length);
                previous.add(saved);
                if (duplicate == false) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public void reset() throws IOException {
            super.reset();
            previous.clear();
        }
    }

    /** A tokenizer defined by a supplier. */
    static final class SimpleTokenizer extends AbstractTokenizerFactory {
        private final Supplier<Tokenizer> supplier;

        SimpleTokenizer(IndexSettings indexSettings, Settings settings, String name, Supplier<Tokenizer> supplier) {
            super(indexSettings, settings, name);
            this.supplier = supplier;
        }

        @Override
        public Tokenizer create() {
            return supplier.get();
        }
    }
}
