package harness.esshim;

import org.elasticsearch.action.ActionListener;
import org.elasticsearch.action.bulk.BulkItemResponse;
import org.elasticsearch.action.bulk.BulkRequest;
import org.elasticsearch.action.bulk.BulkResponse;
import org.elasticsearch.action.delete.DeleteRequest;
import org.elasticsearch.action.search.SearchRequest;
import org.elasticsearch.action.search.SearchResponse;
import org.elasticsearch.action.support.ActionFilters;
import org.elasticsearch.action.support.HandledTransportAction;
import org.elasticsearch.action.support.WriteRequest;
import org.elasticsearch.client.internal.Client;
import org.elasticsearch.common.util.concurrent.EsExecutors;
import org.elasticsearch.core.TimeValue;
import org.elasticsearch.index.query.QueryBuilder;
import org.elasticsearch.index.query.QueryBuilders;
import org.elasticsearch.index.reindex.AbstractBulkByScrollRequest;
import org.elasticsearch.index.reindex.BulkByScrollResponse;
import org.elasticsearch.index.reindex.BulkByScrollTask;
import org.elasticsearch.index.reindex.DeleteByQueryAction;
import org.elasticsearch.index.reindex.DeleteByQueryRequest;
import org.elasticsearch.injection.guice.Inject;
import org.elasticsearch.rest.RestStatus;
import org.elasticsearch.search.SearchHit;
import org.elasticsearch.search.builder.SearchSourceBuilder;
import org.elasticsearch.tasks.Task;
import org.elasticsearch.transport.TransportService;

import java.util.ArrayList;
import java.util.List;

/**
 * Minimal delete-by-query (normally the reindex module). The server's synonyms API runs one on the
 * {@code .synonyms} system index whenever a set is (re)defined, so without it {@code PUT _synonyms}
 * fails. Loop: search a batch of ids (no source), bulk-delete them with an immediate refresh, repeat
 * until nothing matches. No slicing, throttling, scroll or REST endpoint: internal callers only.
 */
public final class SimpleDeleteByQueryAction extends HandledTransportAction<DeleteByQueryRequest, BulkByScrollResponse> {

    private final Client client;

    @Inject
    public SimpleDeleteByQueryAction(TransportService transportService, ActionFilters actionFilters, Client client) {
        super(DeleteByQueryAction.NAME, transportService, actionFilters, DeleteByQueryRequest::new, EsExecutors.DIRECT_EXECUTOR_SERVICE);
        this.client = client;
    }

    @Override
    protected void doExecute(Task task, DeleteByQueryRequest request, ActionListener<BulkByScrollResponse> listener) {
        new Run(request, listener).nextBatch();
    }

    /** State of one delete-by-query; callbacks run on whatever thread completes the previous step. */
    private final class Run {
        private final DeleteByQueryRequest request;
        private final ActionListener<BulkByScrollResponse> listener;
        private final long startNanos = System.nanoTime();
        private final List<BulkItemResponse.Failure> failures = new ArrayList<>();
        private long deleted;
        private long versionConflicts;
        private int batches;

        Run(DeleteByQueryRequest request, ActionListener<BulkByScrollResponse> listener) {
            this.request = request;
            this.listener = listener;
        }

        void nextBatch() {
            int size = request.getBatchSize();
            if (request.getMaxDocs() != AbstractBulkByScrollRequest.MAX_DOCS_ALL_MATCHES) {
                size = (int) Math.min(size, request.getMaxDocs() - deleted);
                if (size <= 0) {
                    finish();
                    return;
                }
            }
            SearchSourceBuilder original = request.getSearchRequest().source();
            QueryBuilder query = original != null && original.query() != null ? original.query() : QueryBuilders.matchAllQuery();
            SearchRequest search = new SearchRequest(request.indices()).indicesOptions(request.indicesOptions())
                .source(new SearchSourceBuilder().query(query).size(size).fetchSource(false).trackTotalHits(false).sort("_doc"));
            if (request.getRouting() != null) {
                search.routing(request.getRouting());
            }
            client.search(search, ActionListener.wrap(this::onSearch, listener::onFailure));
        }

        private void onSearch(SearchResponse response) {
            SearchHit[] hits = response.getHits().getHits();
            if (hits.length == 0) {
                finish();
                return;
            }
            BulkRequest bulk = new BulkRequest().setRefreshPolicy(WriteRequest.RefreshPolicy.IMMEDIATE);
            for (SearchHit hit : hits) {
                bulk.add(new DeleteRequest(hit.getIndex(), hit.getId()).routing(request.getRouting()));
            }
            client.bulk(bulk, ActionListener.wrap(this::onBulk, listener::onFailure));
        }

        private void onBulk(BulkResponse response) {
            batches++;
            long ok = 0;
            for (BulkItemResponse item : response.getItems()) {
                if (item.isFailed() == false) {
                    ok++;
                } else if (item.getFailure().getStatus() == RestStatus.CONFLICT) {
                    versionConflicts++;
                    if (request.isAbortOnVersionConflict()) {
                        failures.add(item.getFailure());
                    }
                } else {
                    failures.add(item.getFailure());
                }
            }
            deleted += ok;
            // Stop on failures, and when a round deleted nothing (avoids spinning on conflicts).
            if (failures.isEmpty() == false || ok == 0) {
                finish();
            } else {
                nextBatch();
            }
        }

        private void finish() {
            BulkByScrollTask.Status status = new BulkByScrollTask.Status(
                null,
                deleted + versionConflicts + failures.size(),
                0,
                0,
                deleted,
                batches,
                versionConflicts,
                0,
                0,
                0,
                TimeValue.ZERO,
                request.getRequestsPerSecond(),
                null,
                TimeValue.ZERO
            );
            TimeValue took = TimeValue.timeValueNanos(System.nanoTime() - startNanos);
            listener.onResponse(new BulkByScrollResponse(took, status, failures, List.of(), false));
        }
    }
}
