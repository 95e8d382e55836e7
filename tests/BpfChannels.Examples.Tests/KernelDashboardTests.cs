using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Runtime.InteropServices;
using System.Text.Json;
using BpfChannels.Examples.Tests.Browser;
using BpfChannels.Tests.Support;
using KernelDashboard;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.Hosting;

namespace BpfChannels.Examples.Tests;

/// <summary>
/// The KernelDashboard web app against the kernel, on a 127.0.0.1 port: its page in a headless Chromium, and its
/// event stream, health and metrics endpoints over HTTP.
/// </summary>
public sealed partial class KernelDashboardTests
{
    private static readonly string Getppid = SyscallTable.TryParse("getppid", out uint number)
        ? number.ToString(CultureInfo.InvariantCulture)
        : throw new InvalidOperationException("getppid is in the table");

    private static readonly byte[] PngSignature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    [Fact]
    public async Task Page_ProgramCountsWatchedSyscall_ShowsNewCountWithinOneSecond()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await using PageSession session = await OpenPageAsync(timeout.Token);
        HeadlessChromium browser = session.Browser;
        string count = $"document.querySelector('#rows tr[data-syscall=\"{Getppid}\"] .count')";
        await browser.WaitForAsync($"{count} && {count}.dataset.value", TimeSpan.FromSeconds(5), timeout.Token);
        ulong before = ulong.Parse((await browser.EvaluateAsync($"{count}.dataset.value", timeout.Token)).GetString()!, CultureInfo.InvariantCulture);

        const int Calls = 100;
        for (int i = 0; i < Calls; i++)
        {
            _ = GetParentProcessId(); // each one a getppid the program counts
        }

        // The page stamps each row with the wall-clock time it showed a change; the first stamp at the new count,
        // taken as soon as the count is there, measures kernel-to-page latency without the test's own polling.
        long calledAt = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        string row = $"document.querySelector('#rows tr[data-syscall=\"{Getppid}\"]')";
        JsonElement shownAt = await browser.WaitForValueAsync(
            $"Number({count}.dataset.value) >= {before + Calls} ? Number({row}.dataset.updatedAt) : null",
            TimeSpan.FromSeconds(10),
            timeout.Token);
        long latency = shownAt.GetInt64() - calledAt;
        Assert.True(latency < 1000, $"The page showed the program's new count {latency} ms after the system calls.");
        TestContext.Current.TestOutputHelper?.WriteLine($"The page showed the program's count {latency} ms after the system calls.");
        Assert.Equal("live", (await browser.EvaluateAsync("document.querySelector('#status').textContent", timeout.Token)).GetString());
    }

    [Fact]
    public async Task WatchForm_SubmitsAlreadyWatchedSyscall_ShowsEexistAs409()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await using PageSession session = await OpenPageAsync(timeout.Token);
        HeadlessChromium browser = session.Browser;
        await browser.WaitForAsync($"document.querySelector('#rows tr[data-syscall=\"{Getppid}\"]')", TimeSpan.FromSeconds(5), timeout.Token);

        // A system call not watched yet: created, and its row appears through the event stream.
        await SubmitAsync(browser, "getpid", timeout.Token);
        await browser.WaitForAsync("document.querySelector('#outcome').dataset.status === '201'", TimeSpan.FromSeconds(5), timeout.Token);
        Assert.True(SyscallTable.TryParse("getpid", out uint getpid));
        await browser.WaitForAsync($"document.querySelector('#rows tr[data-syscall=\"{getpid}\"]')", TimeSpan.FromSeconds(5), timeout.Token);

        // The same again: the NoExist write fails with EEXIST, shown as 409.
        await SubmitAsync(browser, "getppid", timeout.Token);
        await browser.WaitForAsync("document.querySelector('#outcome').dataset.status === '409'", TimeSpan.FromSeconds(5), timeout.Token);
        string outcome = (await browser.EvaluateAsync("document.querySelector('#outcome').textContent", timeout.Token)).GetString()!;
        Assert.Contains("409 EEXIST", outcome, StringComparison.Ordinal);
        Assert.Contains($"getppid ({Getppid}) is already watched", outcome, StringComparison.Ordinal);
        Assert.Equal("error", (await browser.EvaluateAsync("document.querySelector('#outcome').className", timeout.Token)).GetString());

        byte[] png = await browser.ScreenshotAsync(timeout.Token);
        Assert.True(png.Length > 10_000 && png.AsSpan(0, 8).SequenceEqual(PngSignature), "not a PNG of a rendered page");
        SaveScreenshot(png, "kernel-dashboard.png");
    }

    [Fact]
    public async Task Shutdown_WithOpenEventStream_EndsStreamAndStopsPromptly()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        WebApplication app = await StartAsync(timeout.Token);
        await using (app)
        {
            using var http = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };
            using HttpResponseMessage response = await http.GetAsync(new Uri("/events", UriKind.Relative), HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(timeout.Token));

            // The listing comes first: the watched entry as an "added" change.
            string listing = await ReadEventAsync(reader, timeout.Token);
            Assert.StartsWith("event: change\ndata: {\"kind\":\"added\"", listing, StringComparison.Ordinal);

            var watch = Stopwatch.StartNew();
            Task stopping = app.StopAsync(timeout.Token);
            string last = listing;
            while (await ReadEventAsync(reader, timeout.Token) is { Length: > 0 } next)
            {
                last = next;
            }

            await stopping;
            Assert.Equal("event: end\ndata: shutdown", last);
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"Stopping took {watch.Elapsed}; an open stream held the server up.");
        }
    }

    [Fact]
    public async Task HealthAndMetrics_WhilePolling_ReportHealthyAndPrometheusText()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await using WebApplication app = await StartAsync(timeout.Token);
        using var http = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };
        using HttpResponseMessage events = await http.GetAsync(new Uri("/events", UriKind.Relative), HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        using var reader = new StreamReader(await events.Content.ReadAsStreamAsync(timeout.Token));
        _ = await ReadEventAsync(reader, timeout.Token); // a subscriber, so the channel polls

        using HttpResponseMessage health = await http.GetAsync(new Uri("/healthz", UriKind.Relative), timeout.Token);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal("Healthy", await health.Content.ReadAsStringAsync(timeout.Token));

        string metrics = "";
        var watch = Stopwatch.StartNew();
        while (!metrics.Contains("bpfchannels_polls_total{", StringComparison.Ordinal) && watch.Elapsed < TimeSpan.FromSeconds(10))
        {
            await Task.Delay(200, timeout.Token);
            metrics = await http.GetStringAsync(new Uri("/metrics", UriKind.Relative), timeout.Token);
        }

        Assert.Contains("# TYPE bpfchannels_polls_total counter", metrics, StringComparison.Ordinal);
        Assert.Contains("bpf_map_name=\"watched\"", metrics, StringComparison.Ordinal);

        // The form's endpoint without a browser: the watched entry again is a 409 with the errno.
        using HttpResponseMessage conflict = await http.PostAsJsonAsync(new Uri("/watch", UriKind.Relative), new { syscall = Getppid }, timeout.Token);
        Assert.Equal(HttpStatusCode.Conflict, conflict.StatusCode);
        using JsonDocument body = JsonDocument.Parse(await conflict.Content.ReadAsStringAsync(timeout.Token));
        Assert.Equal("EEXIST", body.RootElement.GetProperty("error").GetString());
    }

    private static async Task<WebApplication> StartAsync(CancellationToken cancellationToken)
    {
        BpfTestEnvironment.RequireBpf();
        WebApplication app = DashboardApp.Build(["--urls", "http://127.0.0.1:0"], builder =>
        {
            // The test output folder holds one appsettings.json for all the examples it references: leave it out.
            foreach (IConfigurationSource json in builder.Configuration.Sources.OfType<JsonConfigurationSource>().ToList())
            {
                builder.Configuration.Sources.Remove(json);
            }

            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Dashboard:Watch:0"] = "getppid",
                ["Dashboard:Watch:1"] = "read",
                ["Dashboard:Watch:2"] = "openat",
                ["BpfChannels:Maps:watched:PollInterval"] = "00:00:00.100",
            });
        });
        try
        {
            await app.StartAsync(cancellationToken);
            return app;
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts the app and opens its page in a headless Chromium.</summary>
    private static async Task<PageSession> OpenPageAsync(CancellationToken cancellationToken)
    {
        string chromium = BpfTestEnvironment.RequireTool("chromium", "chromium-browser");
        WebApplication app = await StartAsync(cancellationToken);
        HeadlessChromium? browser = null;
        try
        {
            browser = await HeadlessChromium.LaunchAsync(chromium, 1100, 620, cancellationToken);
            await browser.NavigateAsync(app.Urls.First(), cancellationToken);
            return new PageSession(app, browser);
        }
        catch
        {
            if (browser is not null)
            {
                await browser.DisposeAsync();
            }

            await app.DisposeAsync();
            throw;
        }
    }

    private static async Task SubmitAsync(HeadlessChromium browser, string syscall, CancellationToken cancellationToken)
    {
        // Fill the input and submit the form as a person would; the page's submit handler sends the write.
        await browser.EvaluateAsync(
            $"document.querySelector('#outcome').dataset.status = ''; document.querySelector('#syscall').value = '{syscall}'; document.querySelector('#watch-form').requestSubmit()",
            cancellationToken);
    }

    /// <summary>Reads one server-sent event (its lines, without the blank line after it); empty at the end of the stream.</summary>
    private static async Task<string> ReadEventAsync(StreamReader reader, CancellationToken cancellationToken)
    {
        var lines = new List<string>();
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.Length == 0)
            {
                if (lines.Count > 0)
                {
                    break;
                }

                continue;
            }

            lines.Add(line);
        }

        return string.Join('\n', lines);
    }

    /// <summary>Keeps the screenshot beside the test binaries and, when BPFCHANNELS_SCREENSHOT_DIR is set (docs/images), there too.</summary>
    private static void SaveScreenshot(byte[] png, string name)
    {
        string local = Path.Combine(AppContext.BaseDirectory, "screenshots");
        Directory.CreateDirectory(local);
        File.WriteAllBytes(Path.Combine(local, name), png);
        if (Environment.GetEnvironmentVariable("BPFCHANNELS_SCREENSHOT_DIR") is { Length: > 0 } directory)
        {
            Directory.CreateDirectory(directory);
            File.WriteAllBytes(Path.Combine(directory, name), png);
        }
    }

    private sealed record PageSession(WebApplication App, HeadlessChromium Browser) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await Browser.DisposeAsync();
            await App.DisposeAsync();
        }
    }

    [LibraryImport("libc", EntryPoint = "getppid")]
    private static partial int GetParentProcessId();
}
