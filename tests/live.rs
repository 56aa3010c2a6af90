//! `watch` and `serve` as a translator uses them: edit a language file, see the
//! rebuild; break it, see the problem; fix it, see the recovery. And a real browser
//! that shows a new preview without being told to reload.

#![allow(clippy::unwrap_used)]

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::{edit, project_copy};

/// How long a rebuild after a save may take before a test gives up; the figures
/// measured are printed.
const PATIENCE: Duration = Duration::from_secs(60);

/// A running `flyerpress watch` or `serve`, with what it said on stderr so far.
struct Running {
    child: Killed,
    said: Arc<Mutex<Vec<String>>>,
}

impl Running {
    fn start(args: &[&str]) -> Running {
        let mut child = Command::new(env!("CARGO_BIN_EXE_flyerpress"))
            .args(args)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let said = Arc::new(Mutex::new(Vec::new()));
        let lines = BufReader::new(child.stderr.take().unwrap()).lines();
        let sink = said.clone();
        std::thread::spawn(move || {
            for line in lines.map_while(Result::ok) {
                sink.lock().unwrap().push(line);
            }
        });
        Running { child: Killed(child), said }
    }

    /// Everything said so far, one line each.
    fn said(&self) -> Vec<String> {
        self.said.lock().unwrap().clone()
    }

    /// Waits until a line said from line `from` on matches, and returns it.
    fn wait_for(&self, from: usize, matches: impl Fn(&str) -> bool) -> String {
        let start = Instant::now();
        loop {
            if let Some(line) = self.said().into_iter().skip(from).find(|l| matches(l)) {
                return line;
            }
            assert!(
                start.elapsed() < PATIENCE,
                "waited in vain; said:\n{}",
                self.said().join("\n")
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Ends it as Ctrl-C does and returns its exit code.
    fn interrupt(mut self) -> Option<i32> {
        let pid = self.child.0.id().to_string();
        Command::new("kill").args(["-INT", &pid]).status().unwrap();
        let start = Instant::now();
        loop {
            if let Some(status) = self.child.0.try_wait().unwrap() {
                return status.code();
            }
            assert!(start.elapsed() < PATIENCE, "did not stop:\n{}", self.said().join("\n"));
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

/// A response: status code, head and body.
struct Reply {
    status: u16,
    head: String,
    body: Vec<u8>,
}

impl Reply {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// Sends a raw request and reads the whole response (the connection is closed after it).
fn request(address: SocketAddr, raw: &[u8]) -> Reply {
    let mut stream = TcpStream::connect(address).unwrap();
    stream.set_read_timeout(Some(PATIENCE)).unwrap();
    // The server may refuse and close before it has read everything sent.
    let _ = stream.write_all(raw);
    let mut reader = BufReader::new(stream);
    let mut head = String::new();
    while reader.read_line(&mut head).unwrap_or(0) > 2 && !head.ends_with("\r\n\r\n") {}
    let status = head.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    let length = head.lines().find_map(|l| {
        let (name, value) = l.split_once(':')?;
        name.eq_ignore_ascii_case("content-length").then(|| value.trim().parse::<usize>().ok())?
    });
    let mut body = Vec::new();
    match length {
        // Some servers (Chromium's DevTools) keep the connection open after the body.
        Some(length) => {
            body.resize(length, 0);
            reader.read_exact(&mut body).unwrap();
        }
        None => {
            let _ = reader.read_to_end(&mut body);
        }
    }
    Reply { status, head, body }
}

fn get(address: SocketAddr, path: &str) -> Reply {
    let raw = format!("GET {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n");
    request(address, raw.as_bytes())
}

/// The last build's state as the server reports it.
fn state(address: SocketAddr) -> serde_json::Value {
    serde_json::from_slice(&get(address, "/_flyerpress/state").body).unwrap()
}

/// Waits until the server has finished build number `generation`; returns its state
/// and how long that took.
fn wait_for_build(address: SocketAddr, generation: u64) -> (serde_json::Value, Duration) {
    let start = Instant::now();
    loop {
        let state = state(address);
        if state["generation"].as_u64() >= Some(generation) {
            return (state, start.elapsed());
        }
        assert!(start.elapsed() < PATIENCE, "build {generation} never came: {state}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// The version the gallery gives a thumbnail (its hash): it changes when the preview does.
fn thumbnail_version(page: &str, job: &str) -> String {
    let at = page.find(&format!("{job}.thumb.png?v=")).unwrap_or_else(|| panic!("{job}: {page}"));
    page[at..].split(['=', '"']).nth(1).unwrap().to_owned()
}

/// `flyerpress serve` on any free port, for the editions `langs` in the A4 screen layout.
fn serving(dir: &str, langs: &str) -> Running {
    Running::start(&[
        "serve",
        "--project",
        dir,
        "--port",
        "0",
        "--lang",
        langs,
        "--layout",
        "a4-screen",
    ])
}

/// The server's address from its first line: `serving http://127.0.0.1:PORT/ ...`.
fn address_of(server: &Running) -> SocketAddr {
    let line = server.wait_for(0, |l| l.starts_with("serving http://"));
    let url = line.split_whitespace().nth(1).unwrap();
    url.trim_start_matches("http://").trim_end_matches('/').parse().unwrap()
}

/// Leftover temporary files under a folder.
fn temporary_files(dir: &Path) -> Vec<String> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            found.extend(temporary_files(&path));
        } else if path.to_string_lossy().contains(".flyerpress-") {
            found.push(path.display().to_string());
        }
    }
    found
}

#[test]
fn serve_rebuilds_on_save_shows_problems_and_recovers() {
    let project = project_copy();
    let dir = project.path().to_str().unwrap();
    let en = project.path().join("content/en.yaml");
    let server = serving(dir, "da,en");
    let address = address_of(&server);
    assert!(address.ip().is_loopback(), "{address}");
    let (first, took) = wait_for_build(address, 1);
    eprintln!("first build: {took:?}");
    assert_eq!(first["ok"], true, "{first}");

    let page = get(address, "/");
    assert_eq!(page.status, 200);
    assert!(page.head.to_ascii_lowercase().contains("content-type: text/html"), "{}", page.head);
    let page = page.text();
    assert!(page.contains("new EventSource('/_flyerpress/events')"), "no live script");
    let (da, en_before) =
        (thumbnail_version(&page, "da/a4-screen"), thumbnail_version(&page, "en/a4-screen"));

    // The event stream tells of each build.
    let mut events = TcpStream::connect(address).unwrap();
    events.set_read_timeout(Some(PATIENCE)).unwrap();
    events.write_all(b"GET /_flyerpress/events HTTP/1.1\r\nHost: localhost\r\n\r\n").unwrap();
    let mut stream = BufReader::new(events);
    let mut next_event = || loop {
        let mut line = String::new();
        assert!(stream.read_line(&mut line).unwrap() > 0, "the event stream ended");
        if let Some(data) = line.trim().strip_prefix("data: ") {
            return serde_json::from_str::<serde_json::Value>(data).unwrap();
        }
    };
    assert_eq!(next_event()["generation"], 1, "the stream starts with the current state");

    // A save: the event comes, only English is rebuilt, its preview has a new hash.
    let said = server.said().len();
    let saved = Instant::now();
    edit(
        &en,
        "title: Quick overview of messenger systems",
        "title: Quick overview of free messengers",
    );
    let event = next_event();
    eprintln!("save to build event: {:?}", saved.elapsed());
    assert_eq!(
        (event["generation"].as_u64(), event["ok"].as_bool()),
        (Some(2), Some(true)),
        "{event}"
    );
    server.wait_for(said, |l| l.starts_with("built en / a4-screen"));
    server.wait_for(said, |l| l.starts_with("skipped da / a4-screen"));
    let page = get(address, "/").text();
    assert_ne!(thumbnail_version(&page, "en/a4-screen"), en_before, "English preview unchanged");
    assert_eq!(thumbnail_version(&page, "da/a4-screen"), da, "Danish rebuilt for an English edit");

    // A broken save: the problem with file and line, in the page and the terminal; the
    // server goes on serving the last files.
    let said = server.said().len();
    edit(&en, "title: Quick", "title: \"Quick");
    let event = next_event();
    assert_eq!(
        (event["generation"].as_u64(), event["ok"].as_bool()),
        (Some(3), Some(false)),
        "{event}"
    );
    let page = get(address, "/").text();
    assert!(page.contains("id=\"flyerpress-problems\""), "no problems shown");
    let problem = "content/en.yaml:26:17: did not find expected alphabetic or numeric \
                   character, while scanning an alias; the quote opened on line 3 is never closed";
    assert!(page.contains(problem), "the problem names no file and line: {page}");
    assert!(
        page.contains("<section id=\"en\">") && page.contains("This edition's file has problems"),
        "the broken edition left the gallery: {page}"
    );
    server.wait_for(said, |l| l.contains(problem));
    assert_eq!(get(address, "/en/a4-screen.pdf").status, 200, "the last PDF is gone");

    // Fixed: it recovers.
    edit(&en, "title: \"Quick", "title: Quick");
    let event = next_event();
    assert_eq!(
        (event["generation"].as_u64(), event["ok"].as_bool()),
        (Some(4), Some(true)),
        "{event}"
    );
    assert!(!get(address, "/").text().contains("flyerpress-problems"));

    // Nothing outside the output folder; no listings; bounded requests.
    let outside = project.path().join("outside.txt");
    std::fs::write(&outside, "secret").unwrap();
    let out = project.path().join("output");
    std::os::unix::fs::symlink(&outside, out.join("da/link.txt")).unwrap();
    for (path, status) in [
        ("/../outside.txt", 403),
        ("/da/../../outside.txt", 403),
        ("/%2e%2e/outside.txt", 403),
        ("/da/%2e%2e%2f%2e%2e%2foutside.txt", 403),
        ("/da/link.txt", 403),
        ("/manifest.json/../../outside.txt", 403),
        ("/da/", 404),
        ("/da", 404),
        ("/nothing.pdf", 404),
    ] {
        let reply = get(address, path);
        assert_eq!(reply.status, status, "{path}: {}", reply.head);
        assert!(!reply.text().contains("secret"), "{path} served a file outside");
    }
    let absolute =
        request(address, b"GET /etc/passwd HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    assert_eq!(absolute.status, 404, "an absolute path is under the output folder");
    let long_target = get(address, &format!("/{}", "a".repeat(3000)));
    assert_eq!(long_target.status, 414);
    let big_head = format!(
        "GET / HTTP/1.1\r\nHost: x\r\nX-Padding: {}\r\nConnection: close\r\n\r\n",
        "a".repeat(20_000)
    );
    assert_eq!(request(address, big_head.as_bytes()).status, 431);
    let post = b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello";
    assert_eq!(request(address, post).status, 405);
    let body = b"GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello";
    assert_eq!(request(address, body).status, 413);

    // Ctrl-C ends it cleanly, leaving no temporary file.
    assert_eq!(server.interrupt(), Some(0));
    assert_eq!(temporary_files(project.path()), Vec::<String>::new());
}

#[test]
fn watch_rebuilds_only_the_jobs_an_edit_affects() {
    let project = project_copy();
    let dir = project.path().to_str().unwrap();
    let watcher = Running::start(&[
        "watch",
        "--project",
        dir,
        "--lang",
        "da,en",
        "--layout",
        "a4-screen,a5-print",
        "--no-previews",
    ]);
    watcher.wait_for(0, |l| l.starts_with("4 jobs: 4 built"));
    let said = watcher.said().len();
    edit(
        &project.path().join("content/da.yaml"),
        "title: Hurtig oversigt",
        "title: Hurtigt overblik",
    );
    let summary = watcher.wait_for(said, |l| l.starts_with("4 jobs:"));
    assert!(summary.starts_with("4 jobs: 2 built, 2 skipped (unchanged), 0 failed"), "{summary}");
    let lines = watcher.said()[said..].to_vec();
    for job in [
        "built da / a4-screen",
        "built da / a5-print",
        "skipped en / a4-screen",
        "skipped en / a5-print",
    ] {
        assert!(lines.iter().any(|l| l.starts_with(job)), "{job} not said: {lines:#?}");
    }
    assert_eq!(watcher.interrupt(), Some(0));
}

/// Chromium, where it is installed (`.ci/run` installs it): the served gallery open in
/// a headless browser shows the new preview after a save, with no reload (a value set
/// on the page before the save is still there after it).
#[test]
fn a_browser_shows_the_new_preview_without_a_reload() {
    let Some(chromium) = ["chromium", "chromium-browser", "google-chrome"]
        .into_iter()
        .find(|c| Command::new(c).arg("--version").output().is_ok_and(|o| o.status.success()))
    else {
        assert!(
            std::env::var_os("FLYERPRESS_REQUIRE_TOOLS").is_none(),
            "chromium is required here (FLYERPRESS_REQUIRE_TOOLS)"
        );
        eprintln!("skipped: no chromium to run the browser check");
        return;
    };
    let project = project_copy();
    let dir = project.path().to_str().unwrap();
    let server = serving(dir, "en");
    let address = address_of(&server);
    wait_for_build(address, 1);

    let profile = tempfile::tempdir().unwrap();
    let mut browser = Killed(
        Command::new(chromium)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--hide-scrollbars",
                "--window-size=1200,900",
                "--remote-debugging-port=0",
                &format!("--user-data-dir={}", profile.path().display()),
                "about:blank",
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap(),
    );
    let mut lines = BufReader::new(browser.0.stderr.take().unwrap()).lines();
    let devtools = lines
        .by_ref()
        .map_while(Result::ok)
        .find_map(|l| l.strip_prefix("DevTools listening on ").map(str::to_owned))
        .expect("chromium says where DevTools listen");
    std::thread::spawn(move || lines.for_each(drop));
    let devtools_address: SocketAddr =
        devtools.trim_start_matches("ws://").split('/').next().unwrap().parse().unwrap();
    let targets: serde_json::Value =
        serde_json::from_slice(&get(devtools_address, "/json/list").body).unwrap();
    let page_url = targets
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["type"] == "page")
        .and_then(|t| t["webSocketDebuggerUrl"].as_str())
        .unwrap()
        .to_owned();
    let mut page = Devtools::connect(&page_url);
    let thumbnail = "(() => { const i = document.querySelector('img[src*=\"en/a4-screen\"]'); \
                     return i && i.complete && i.naturalWidth > 0 ? i.getAttribute('src') : null })()";
    page.evaluate(&format!("location.href = 'http://{address}/'"));
    let (before, _) = page.until(thumbnail, |v| v.is_string());
    // The English edition unfolded and in view, as a translator working on it has it.
    page.evaluate(
        "document.querySelector('#en > details').open = true; \
         document.getElementById('en').scrollIntoView()",
    );
    // Once the page listens for builds, mark it: a reload would lose the mark.
    page.until("typeof EventSource", |v| v == "function");
    std::thread::sleep(Duration::from_millis(500));
    page.evaluate("window.flyerpressKept = 'this page was not reloaded'");
    let first = page.screenshot("live-before.png");

    edit(
        &project.path().join("content/en.yaml"),
        "title: Quick overview of messenger systems",
        "title: LIVE PREVIEW WORKS",
    );
    let (after, took) = page.until(thumbnail, |v| v.is_string() && *v != before);
    eprintln!("save to new preview in the browser: {took:?}");
    assert_eq!(page.evaluate("window.flyerpressKept"), "this page was not reloaded");
    let second = page.screenshot("live-after.png");
    assert_ne!(first, second, "the page looks the same after the save ({before} -> {after})");
}

/// A child process killed when the test ends, passed or failed.
struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A browser page driven over the DevTools protocol.
struct Devtools {
    socket: tungstenite::WebSocket<tungstenite::stream::MaybeTlsStream<TcpStream>>,
    id: u64,
}

impl Devtools {
    fn connect(url: &str) -> Devtools {
        let (socket, _) = tungstenite::connect(url).unwrap();
        Devtools { socket, id: 0 }
    }

    /// Calls a method and returns its result.
    fn call(&mut self, method: &str, params: serde_json::Value) -> serde_json::Value {
        self.id += 1;
        let message = serde_json::json!({ "id": self.id, "method": method, "params": params });
        self.socket.send(tungstenite::Message::text(message.to_string())).unwrap();
        loop {
            let reply = self.socket.read().unwrap();
            let Ok(text) = reply.to_text() else { continue };
            let value: serde_json::Value = serde_json::from_str(text).unwrap();
            if value["id"] == self.id {
                return value["result"].clone();
            }
        }
    }

    /// The value of a JavaScript expression on the page.
    fn evaluate(&mut self, expression: &str) -> serde_json::Value {
        let params = serde_json::json!({ "expression": expression, "returnByValue": true });
        self.call("Runtime.evaluate", params)["result"]["value"].clone()
    }

    /// Evaluates `expression` until `done` says so; returns the value and how long it took.
    fn until(
        &mut self,
        expression: &str,
        done: impl Fn(&serde_json::Value) -> bool,
    ) -> (serde_json::Value, Duration) {
        let start = Instant::now();
        loop {
            let value = self.evaluate(expression);
            if done(&value) {
                return (value, start.elapsed());
            }
            assert!(start.elapsed() < PATIENCE, "{expression} stayed {value}");
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// A PNG of the viewport, also saved under the target folder for a look.
    fn screenshot(&mut self, name: &str) -> Vec<u8> {
        let png = self.call("Page.captureScreenshot", serde_json::json!({ "format": "png" }));
        let bytes = base64(png["data"].as_str().unwrap());
        let path = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
        std::fs::write(&path, &bytes).unwrap();
        eprintln!("screenshot: {}", path.display());
        bytes
    }
}

/// Decodes standard base64 (as Chromium sends screenshots).
fn base64(text: &str) -> Vec<u8> {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut bytes = Vec::with_capacity(text.len() * 3 / 4);
    let (mut buffer, mut bits) = (0u32, 0);
    for c in text.bytes().filter(|c| *c != b'=') {
        let value = ALPHABET.iter().position(|a| *a == c).unwrap() as u32;
        buffer = buffer << 6 | value;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            bytes.push((buffer >> bits) as u8);
        }
    }
    bytes
}
