package org.exchangeai.app.web;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.NotFoundResponse;
import io.javalin.http.UploadedFile;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import org.exchangeai.app.store.Models;
import org.exchangeai.core.model.ModelException;

/** Built-in and own models with their cards; which ones the predict and fine-tune lists offer; upload and delete. */
public final class ModelsPage implements Page {

    /** What the models template shows. */
    public record View(List<ModelLibrary.Entry> models, String builtInFolder, String error, String notice,
            List<Architecture> architectures) {
    }

    /** A zoo architecture: trained from scratch on the user's labels; weights counted for four classes. */
    public record Architecture(String name, String displayName, long weights, String description) {
    }

    private static volatile List<Architecture> architectures;

    /** Built once: the builders are plain Java, the count is that of the ONNX graph they emit. */
    static List<Architecture> architectures() {
        if (architectures == null) {
            List<String> four = List.of("A", "B", "C", "D");
            architectures = org.exchangeai.core.zoo.Zoo.NAMES.stream().map(z -> new Architecture(z,
                    org.exchangeai.core.zoo.Zoo.displayName(z),
                    ModelLibrary.parameters(org.exchangeai.core.zoo.Zoo.build(z, four, 0).toBytes()), switch (z) {
                        case "inceptiontime" -> "multi-scale convolutions (kernel 39, 19, 9) with residual shortcuts";
                        case "xceptiontime" -> "depthwise-separable multi-scale convolutions, the layout of xc_super";
                        default -> "a shared stem with Inception- and Xception-style branches fused before the head; "
                                + "the fewest operations per recording of the three";
                    })).toList();
        }
        return architectures;
    }

    private final Services s;
    private final ModelLibrary library;

    public ModelsPage(Services s, ModelLibrary library) {
        this.s = s;
        this.library = library;
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.get("/models", ctx -> show(ctx, null, ctx.queryParam("added") == null ? null : "Model added."));
        routes.post("/models/upload", this::upload);
        routes.post("/models/{id}/offers", this::offers);
        routes.post("/models/{id}/delete", this::delete);
        routes.get("/models/{id}/download", this::download);
    }

    private void show(Context ctx, String error, String notice) throws Exception {
        library.syncBuiltIn();
        String folder = library.builtInFolder() == null ? "" : library.builtInFolder().toString();
        Templates.html(ctx, "models.jte", Map.of("view", new View(library.list(), folder, error, notice, architectures())));
    }

    private void upload(Context ctx) throws Exception {
        UploadedFile f = ctx.uploadedFile("model");
        if (f == null || f.filename() == null || f.filename().isBlank()) {
            ctx.status(400);
            show(ctx, "Choose an .onnx file to upload.", null);
            return;
        }
        byte[] bytes;
        try (InputStream in = f.content()) {
            bytes = in.readAllBytes();
        }
        String origin = ctx.formParam("origin");
        String source = origin == null || origin.isBlank() ? Models.UPLOADED : Models.DOWNLOADED;
        try {
            library.addUpload(f.filename(), bytes, source, origin, s.workspace().dir().resolve("tmp"));
        } catch (ModelException e) {
            ctx.status(400);
            show(ctx, "This model cannot be used: " + e.getMessage(), null);
            return;
        }
        ctx.redirect("/models?added");
    }

    private ModelLibrary.Entry entry(Context ctx) throws Exception {
        long id;
        try {
            id = Long.parseLong(ctx.pathParam("id"));
        } catch (NumberFormatException e) {
            throw new NotFoundResponse("no such model");
        }
        return library.get(id).orElseThrow(() -> new NotFoundResponse("no model " + id));
    }

    private void offers(Context ctx) throws Exception {
        ModelLibrary.Entry e = entry(ctx);
        adminForBuiltIn(e);
        library.store().setOffers(e.model().id(), "on".equals(ctx.formParam("predict")),
                "on".equals(ctx.formParam("finetune")));
        if ("true".equals(ctx.header("HX-Request"))) {
            ctx.status(204);
        } else {
            ctx.redirect("/models");
        }
    }

    private void delete(Context ctx) throws Exception {
        ModelLibrary.Entry e = entry(ctx);
        adminForBuiltIn(e);
        try {
            library.store().delete(e.model());
        } catch (IllegalArgumentException ex) {
            ctx.status(400);
            show(ctx, ex.getMessage(), null);
            return;
        }
        ctx.redirect("/models");
    }

    /** Built-in models are shared by all accounts: in server mode only an administrator changes them. */
    private static void adminForBuiltIn(ModelLibrary.Entry e) {
        org.exchangeai.app.store.Viewer v = org.exchangeai.app.store.Viewer.current().orElse(null);
        if (e.model().builtIn() && v != null && !v.admin()) {
            throw new io.javalin.http.ForbiddenResponse("only an administrator may change the built-in models");
        }
    }

    private void download(Context ctx) throws Exception {
        ModelLibrary.Entry e = entry(ctx);
        if (!e.available()) {
            throw new NotFoundResponse("the file of model " + e.model().name() + " is missing");
        }
        ctx.header("Content-Disposition", "attachment; filename=\"" + e.model().name().replaceAll("[^A-Za-z0-9._-]", "_")
                + ".onnx\"");
        ctx.contentType("application/octet-stream").result(java.nio.file.Files.newInputStream(e.file()));
    }
}
