using BpfChannels;
using BpfChannels.Hosting;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;

namespace KernelDashboard;

/// <summary>
/// Builds the KernelDashboard web app: the BPF object, its <c>watched</c> map channel and its attached program from the
/// hosting layer, the page, its server-sent event stream, the watch form's endpoint, <c>/healthz</c> (channels and the
/// program's link) and <c>/metrics</c>.
/// </summary>
public static class DashboardApp
{
    public const string ObjectName = "dashboard";
    public const string ChannelName = KernelDashboardBpf.MapName.Watched;

    /// <summary>The meter BpfChannels.Hosting reports polls, changes, writes and drops on.</summary>
    public const string BpfChannelsMeter = "BpfChannels";

    /// <summary>Builds the app; <paramref name="configure"/> runs last, before the services are built (tests add configuration there).</summary>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        builder.Services.AddOptions<DashboardOptions>()
            .Bind(builder.Configuration.GetSection(DashboardOptions.SectionName))
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<DashboardOptions>, DashboardOptionsValidator>();
        builder.Services.AddBpfChannels(builder.Configuration.GetSection(BpfChannelsOptions.SectionName))
            .AddKernelDashboardBpf(bpf =>
            {
                bpf.ObjectName = ObjectName;
                bpf.WithChannel(m => m.Watched); // system call number -> count, and the watch list written with NoExist
                bpf.Attach(p => p.CountWatched);  // SEC("raw_tp/sys_enter"): attached at start, detached at stop
            });
        builder.Services.AddHealthChecks().AddBpfChannels().AddBpfProgramLinks();
        builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics.AddMeter(BpfChannelsMeter).AddPrometheusExporter());
        builder.Services.AddHostedService<WatchListWriter>();
        builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.TypeInfoResolverChain.Insert(0, DashboardJsonContext.Default));
        configure?.Invoke(builder);

        WebApplication app = builder.Build();
        string page = ReadPage();
        app.MapGet("/", () => TypedResults.Content(page, "text/html; charset=utf-8"));
        app.MapGet("/events", (HttpContext context, BpfChannelRegistry channels, IHostApplicationLifetime lifetime) =>
            TypedResults.ServerSentEvents(ChangeStream.ReadAsync(Watched(channels), lifetime.ApplicationStopping, context.RequestAborted)));
        app.MapPost("/watch", (WatchRequest request, BpfChannelRegistry channels, CancellationToken cancellationToken) =>
            WatchEndpointAsync(Watched(channels), request, cancellationToken));
        app.MapDelete("/watch/{syscall}", (string syscall, BpfChannelRegistry channels, CancellationToken cancellationToken) =>
            UnwatchEndpointAsync(Watched(channels), syscall, cancellationToken));
        app.MapHealthChecks("/healthz");
        app.MapPrometheusScrapingEndpoint("/metrics");
        return app;
    }

    /// <summary>Starts counting <paramref name="syscall"/> with a NoExist write: EEXIST when it is counted already.</summary>
    public static Task<MapWriteOutcome<uint, ulong>> WatchAsync(MapChannel<uint, ulong> watched, uint syscall, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(watched);
        return watched.WriteAsync(MapWrite.Update(syscall, 0UL, BpfMapUpdateFlags.NoExist), cancellationToken);
    }

    /// <summary>A system call as the page names it: "openat (257)", or just the number.</summary>
    public static string Describe(uint syscall) => SyscallTable.NameOf(syscall) is { } name ? $"{name} ({syscall})" : $"system call {syscall}";

    internal static async Task<IResult> WatchEndpointAsync(MapChannel<uint, ulong> watched, WatchRequest request, CancellationToken cancellationToken)
    {
        if (!SyscallTable.TryParse(request.Syscall, out uint syscall))
        {
            return TypedResults.BadRequest(new WatchResponse(null, null, null, $"'{request.Syscall}' is neither a system call number nor a name this dashboard knows."));
        }

        MapWriteOutcome<uint, ulong> outcome = await WatchAsync(watched, syscall, cancellationToken).ConfigureAwait(false);
        string name = Describe(syscall);
        return outcome.Error switch
        {
            BpfError.None => TypedResults.Created($"/watch/{syscall}", new WatchResponse(syscall, SyscallTable.NameOf(syscall), null, $"Watching {name}.")),
            BpfError.AlreadyExists => TypedResults.Conflict(new WatchResponse(syscall, SyscallTable.NameOf(syscall), "EEXIST", $"{name} is already watched: the NoExist write failed with EEXIST.")),
            BpfError.TooBig => Json(StatusCodes.Status507InsufficientStorage, new WatchResponse(syscall, SyscallTable.NameOf(syscall), "E2BIG", $"The watch list is full: the write of {name} failed with E2BIG.")),
            _ => Json(StatusCodes.Status500InternalServerError, new WatchResponse(syscall, SyscallTable.NameOf(syscall), outcome.Error.ToErrnoName(), $"The kernel refused the write of {name} with {outcome.Error.ToErrnoName()}.")),
        };
    }

    internal static async Task<IResult> UnwatchEndpointAsync(MapChannel<uint, ulong> watched, string text, CancellationToken cancellationToken)
    {
        if (!SyscallTable.TryParse(text, out uint syscall))
        {
            return TypedResults.BadRequest(new WatchResponse(null, null, null, $"'{text}' is neither a system call number nor a name this dashboard knows."));
        }

        MapWriteOutcome<uint, ulong> outcome = await watched.WriteAsync(MapWrite.Delete<uint, ulong>(syscall), cancellationToken).ConfigureAwait(false);
        string name = Describe(syscall);
        return outcome.Error switch
        {
            BpfError.None => TypedResults.NoContent(),
            BpfError.NotFound => TypedResults.NotFound(new WatchResponse(syscall, SyscallTable.NameOf(syscall), "ENOENT", $"{name} is not watched: the delete failed with ENOENT.")),
            _ => Json(StatusCodes.Status500InternalServerError, new WatchResponse(syscall, SyscallTable.NameOf(syscall), outcome.Error.ToErrnoName(), $"The kernel refused the delete of {name} with {outcome.Error.ToErrnoName()}.")),
        };
    }

    private static JsonHttpResult<WatchResponse> Json(int status, WatchResponse response) =>
        TypedResults.Json(response, DashboardJsonContext.Default.WatchResponse, statusCode: status);

    private static MapChannel<uint, ulong> Watched(BpfChannelRegistry channels) => channels.GetChannel<uint, ulong>(ChannelName);

    private static string ReadPage()
    {
        using Stream stream = typeof(DashboardApp).Assembly.GetManifestResourceStream("index.html")
            ?? throw new InvalidOperationException("The page resource 'index.html' is missing from the assembly.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
