package harness.esshim;

import org.apache.lucene.util.SetOnce;
import org.elasticsearch.cluster.metadata.IndexNameExpressionResolver;
import org.elasticsearch.cluster.node.DiscoveryNodes;
import org.elasticsearch.cluster.service.ClusterService;
import org.elasticsearch.common.io.stream.NamedWriteableRegistry;
import org.elasticsearch.common.settings.ClusterSettings;
import org.elasticsearch.common.settings.IndexScopedSettings;
import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.common.settings.SettingsFilter;
import org.elasticsearch.features.NodeFeature;
import org.elasticsearch.index.analysis.TokenFilterFactory;
import org.elasticsearch.index.analysis.TokenizerFactory;
import org.elasticsearch.index.mapper.Mapper;
import org.elasticsearch.index.mapper.TextFieldMapper;
import org.elasticsearch.index.reindex.DeleteByQueryAction;
import org.elasticsearch.indices.analysis.AnalysisModule.AnalysisProvider;
import org.elasticsearch.plugins.ActionPlugin;
import org.elasticsearch.plugins.AnalysisPlugin;
import org.elasticsearch.plugins.MapperPlugin;
import org.elasticsearch.plugins.Plugin;
import org.elasticsearch.rest.RestController;
import org.elasticsearch.rest.RestHandler;
import org.elasticsearch.synonyms.SynonymsManagementAPIService;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Stand-ins for the parts of three bundled Elasticsearch modules that the official
 * {@code integ-test-zip} distribution (the only ES 8 server build on Maven Central)
 * does not ship, and that are not published to Central separately:
 *
 * <ul>
 *   <li>analysis-common: the tokenizers/filters used by the project and by Wagtail's
 *       Elasticsearch backend (see {@link AnalysisComponents}, {@link SynonymFilterFactory});</li>
 *   <li>rest-root: {@code GET /} and {@code HEAD /} ({@link RestRootAction}), which clients
 *       use for {@code info()} / {@code ping()};</li>
 *   <li>reindex: the delete-by-query transport action, which the server-side synonyms API
 *       ({@code PUT _synonyms/<set>}) calls internally ({@link SimpleDeleteByQueryAction});</li>
 *   <li>mapper-extras: only the {@code match_only_text} field type, used by the mapping of the
 *       {@code .synonyms} system index, and mapped here onto a plain {@code text} field.</li>
 * </ul>
 *
 * Everything is built from the same Lucene classes the real modules wrap, so analysis output
 * matches for the supported options. It is a test harness only: never deploy it.
 */
public class HarnessShimPlugin extends Plugin implements AnalysisPlugin, ActionPlugin, MapperPlugin {

    /** Filled in createComponents(), which runs before any index (and its analyzers) exists. */
    private final SetOnce<SynonymsManagementAPIService> synonymsService = new SetOnce<>();
    private final SetOnce<ClusterService> clusterService = new SetOnce<>();

    @Override
    public Collection<?> createComponents(PluginServices services) {
        synonymsService.set(new SynonymsManagementAPIService(services.client()));
        clusterService.set(services.clusterService());
        return List.of();
    }

    @Override
    public Map<String, AnalysisProvider<TokenFilterFactory>> getTokenFilters() {
        Supplier<SynonymsManagementAPIService> synonyms = synonymsService::get;
        Map<String, AnalysisProvider<TokenFilterFactory>> filters = new TreeMap<>(AnalysisComponents.tokenFilters());
        // Synonym filters need settings (a bare "synonym_graph" is meaningless), like the real module.
        filters.put(
            "synonym",
            AnalysisPlugin.requiresAnalysisSettings((is, env, name, s) -> new SynonymFilterFactory(env, name, s, false, synonyms))
        );
        filters.put(
            "synonym_graph",
            AnalysisPlugin.requiresAnalysisSettings((is, env, name, s) -> new SynonymFilterFactory(env, name, s, true, synonyms))
        );
        return filters;
    }

    @Override
    public Map<String, AnalysisProvider<TokenizerFactory>> getTokenizers() {
        return AnalysisComponents.tokenizers();
    }

    @Override
    public Map<String, Mapper.TypeParser> getMappers() {
        // match_only_text = text without positions/scoring; a full text field is a superset for tests.
        return Map.of("match_only_text", TextFieldMapper.PARSER);
    }

    @Override
    public Collection<ActionHandler<?, ?>> getActions() {
        return List.of(new ActionHandler<>(DeleteByQueryAction.INSTANCE, SimpleDeleteByQueryAction.class));
    }

    @Override
    public Collection<RestHandler> getRestHandlers(
        Settings settings,
        NamedWriteableRegistry namedWriteableRegistry,
        RestController restController,
        ClusterSettings clusterSettings,
        IndexScopedSettings indexScopedSettings,
        SettingsFilter settingsFilter,
        IndexNameExpressionResolver indexNameExpressionResolver,
        Supplier<DiscoveryNodes> nodesInCluster,
        Predicate<NodeFeature> clusterSupportsFeature
    ) {
        return List.of(new RestRootAction(clusterService::get));
    }
}
