package io.pipelines.api;

import java.util.List;

import org.springframework.stereotype.Component;

import io.pipelines.schedule.Backfills;

/**
 * GET /api/backfills?pipeline=&limit= and POST /api/backfills/{id}/cancel (routes/rest-api.camel.yaml): the
 * backfills that limit their runs at once, with their dates by state and their runs; a running one cancelled
 * queues no more dates (its runs queued or running finish).
 */
@Component("backfillApi")
public class BackfillApi {

    private final Backfills backfills;

    public BackfillApi(Backfills backfills) {
        this.backfills = backfills;
    }

    public List<Backfills.Backfill> list(String pipeline, String limit) {
        return backfills.list(ListParameters.filter(pipeline), null, ListParameters.limit(limit));
    }

    public Backfills.Backfill cancel(String id) {
        long n = ControlApi.idNumber("id", id);
        Backfills.Backfill backfill = backfills.cancel(n).orElseThrow(() -> ApiProblem.notFound("No backfill with id " + n));
        if (!backfill.status().equals("CANCELLED")) {
            throw ApiProblem.conflict("Backfill " + n + " is " + backfill.status() + ": only a running one can be cancelled");
        }
        return backfill;
    }
}
