package harness.esshim;

import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.synonym.SolrSynonymParser;
import org.apache.lucene.analysis.synonym.SynonymFilter;
import org.apache.lucene.analysis.synonym.SynonymGraphFilter;
import org.apache.lucene.analysis.synonym.SynonymMap;
import org.apache.lucene.util.CharsRef;
import org.apache.lucene.util.CharsRefBuilder;
import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.env.Environment;
import org.elasticsearch.index.IndexService.IndexCreationContext;
import org.elasticsearch.index.analysis.AbstractTokenFilterFactory;
import org.elasticsearch.index.analysis.Analysis;
import org.elasticsearch.index.analysis.AnalysisMode;
import org.elasticsearch.index.analysis.CharFilterFactory;
import org.elasticsearch.index.analysis.CustomAnalyzer;
import org.elasticsearch.index.analysis.TokenFilterFactory;
import org.elasticsearch.index.analysis.TokenizerFactory;
import org.elasticsearch.synonyms.SynonymsManagementAPIService;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The "synonym" / "synonym_graph" token filters, with the three rule sources of Elasticsearch 8:
 * inline {@code synonyms}, a {@code synonyms_path} file under the config dir, and a
 * {@code synonyms_set} managed through the synonyms API (search-time only, {@code updateable: true}).
 *
 * <p>How the server drives it (same contract as the real module): analyzers are built per analysis
 * chain through {@link #getChainAwareTokenFilterFactory}; the rules are parsed with the chain's
 * preceding tokenizer/filters so "Città" in a rule matches what the query text becomes. For
 * {@code synonyms_set}, the map is left empty while an index is being created (that runs on the
 * master thread and must not read an index), and the server then reloads search analyzers with
 * {@link IndexCreationContext#RELOAD_ANALYZERS} before shard recovery and after every
 * {@code PUT _synonyms/...}; {@link #getResourceName} tells it which analyzers use which set.
 */
final class SynonymFilterFactory extends AbstractTokenFilterFactory {

    private final Environment env;
    private final Settings settings;
    private final boolean graph;
    private final boolean expand;
    private final boolean lenient;
    private final AnalysisMode analysisMode;
    private final Supplier<SynonymsManagementAPIService> synonymsService;

    SynonymFilterFactory(
        Environment env,
        String name,
        Settings settings,
        boolean graph,
        Supplier<SynonymsManagementAPIService> synonymsService
    ) {
        super(name, settings);
        this.env = env;
        this.settings = settings;
        this.graph = graph;
        this.synonymsService = synonymsService;
        this.expand = settings.getAsBoolean("expand", true);
        boolean updateable = settings.getAsBoolean("updateable", false);
        // ES 8.x default for indices created by this version: updateable synonyms are lenient.
        this.lenient = settings.getAsBoolean("lenient", updateable);
        this.analysisMode = updateable ? AnalysisMode.SEARCH_TIME : AnalysisMode.ALL;
        String format = settings.get("format", "");
        if ("wordnet".equalsIgnoreCase(format)) {
            throw new IllegalArgumentException("[format=wordnet] synonyms are not supported by the harness shim");
        }
        if (settings.hasValue("synonyms_set") && updateable == false) {
            throw new IllegalArgumentException(
                "Can't apply [synonyms_set]! Loading synonyms from index is supported only for search time synonyms!"
            );
        }
        if (settings.hasValue("synonyms") == false
            && settings.hasValue("synonyms_set") == false
            && settings.hasValue("synonyms_path") == false) {
            throw new IllegalArgumentException("synonym requires either `synonyms`, `synonyms_set` or `synonyms_path` to be configured");
        }
    }

    @Override
    public AnalysisMode getAnalysisMode() {
        return analysisMode;
    }

    @Override
    public TokenStream create(TokenStream tokenStream) {
        throw new IllegalStateException("Call getChainAwareTokenFilterFactory to specialize this factory for an analysis chain first");
    }

    @Override
    public TokenFilterFactory getChainAwareTokenFilterFactory(
        IndexCreationContext context,
        TokenizerFactory tokenizer,
        List<CharFilterFactory> charFilters,
        List<TokenFilterFactory> previousTokenFilters,
        Function<String, TokenFilterFactory> allFilters
    ) {
        // Rules go through the same chain as the text (each filter's synonym-safe variant).
        Analyzer ruleAnalyzer = new CustomAnalyzer(
            tokenizer,
            charFilters.toArray(new CharFilterFactory[0]),
            previousTokenFilters.stream().map(TokenFilterFactory::getSynonymFilter).toArray(TokenFilterFactory[]::new)
        );
        String resource = settings.get("synonyms_set");
        SynonymMap map = buildMap(ruleAnalyzer, rules(context, resource));
        String name = name();
        boolean graphFilter = graph;
        AnalysisMode mode = analysisMode;
        return new TokenFilterFactory() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public TokenStream create(TokenStream tokenStream) {
                if (map.fst == null) {
                    return tokenStream;
                }
                return graphFilter ? new SynonymGraphFilter(tokenStream, map, false) : new SynonymFilter(tokenStream, map, false);
            }

            @Override
            public TokenFilterFactory getSynonymFilter() {
                // A later synonym filter must not see this one's output while parsing its rules.
                return IDENTITY_FILTER;
            }

            @Override
            public AnalysisMode getAnalysisMode() {
                return mode;
            }

            @Override
            public String getResourceName() {
                return resource;
            }
        };
    }

    private Reader rules(IndexCreationContext context, String synonymsSet) {
        if (settings.hasValue("synonyms")) {
            return new StringReader(String.join("\n", Analysis.getWordList(env, settings, "synonyms")));
        }
        if (synonymsSet != null) {
            if (context != IndexCreationContext.RELOAD_ANALYZERS) {
                return new StringReader(""); // see class javadoc: filled by the reload that follows
            }
            return Analysis.getReaderFromIndex(synonymsSet, synonymsService.get(), lenient);
        }
        return Analysis.getReaderFromFile(env, settings.get("synonyms_path"), "synonyms");
    }

    private SynonymMap buildMap(Analyzer analyzer, Reader rules) {
        try {
            LenientSolrParser parser = new LenientSolrParser(expand, lenient, analyzer);
            parser.parse(rules);
            return parser.build();
        } catch (Exception e) {
            throw new IllegalArgumentException("failed to build synonyms for [" + name() + "]", e);
        }
    }

    /**
     * Solr-format parser; when lenient, a rule term that the chain removes or rejects (a stop word,
     * say) is skipped instead of failing the whole map, which is what ES does for updateable sets.
     */
    private static final class LenientSolrParser extends SolrSynonymParser {
        private final boolean lenient;

        LenientSolrParser(boolean expand, boolean lenient, Analyzer analyzer) {
            super(true, expand, analyzer);
            this.lenient = lenient;
        }

        @Override
        public CharsRef analyze(String text, CharsRefBuilder reuse) throws IOException {
            try {
                return super.analyze(text, reuse);
            } catch (IllegalArgumentException e) {
                if (lenient == false) {
                    throw e;
                }
                reuse.clear();
                return reuse.get(); // empty: dropped in add()
            }
        }

        @Override
        public void add(CharsRef input, CharsRef output, boolean includeOrig) {
            if (lenient && (input.length == 0 || output.length == 0)) {
                return;
            }
            super.add(input, output, includeOrig);
        }
    }
}
