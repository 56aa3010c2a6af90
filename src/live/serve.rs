//! `flyerpress serve`: the gallery and the outputs over HTTP, rebuilt as the project
//! changes, with the open page showing new previews without a reload.
//!
//! Builds run on the calling thread ([`rebuild_loop`]); an HTTP/1.1 server (hyper on a
//! single-threaded tokio runtime) runs on another. After every build the server's
//! [`Live`] state moves on a generation; pages hold a server-sent event stream and,
//! when the generation changes, fetch the gallery again and swap it in. Problems of the
//! last build (with file, line and message) are shown at the top of the page.
//!
//! Safe by default: it binds to 127.0.0.1; it serves only regular files under the
//! output folder (no `..`, no hidden files, no symlinks out, no directory listings);
//! requests carry no body and their head is bounded ([`MAX_HEAD`]).

use std::convert::Infallible;
use std::net::{IpAddr, SocketAddr, TcpListener};
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full, StreamBody, combinators::BoxBody};
use hyper::body::{Frame, Incoming};
use hyper::header::{self, HeaderValue};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use serde::Serialize;
use tokio::sync::{Notify, Semaphore, watch};

use crate::driver::build::{BuildOptions, Progress};
use crate::error::Error;
use crate::live::watch::{Outcome, Stop, rebuild_loop};
use crate::output::gallery::SCRIPT_SLOT;
use crate::output::names::{GALLERY_FILE, Output};
use crate::xml::xml_escape;

/// The largest request head (request line and headers) read, in bytes; a longer one
/// is refused with 431.
pub const MAX_HEAD: usize = 8192;
/// The longest request target, in bytes; a longer one is refused with 414.
pub const MAX_TARGET: usize = 2048;
/// Connections served at once; more are closed unanswered.
pub const MAX_CONNECTIONS: usize = 64;
/// The event stream pages listen on.
pub const EVENTS_PATH: &str = "/_flyerpress/events";
/// The last build's state as JSON.
pub const STATE_PATH: &str = "/_flyerpress/state";

/// Where and what to serve.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// What to build (and where the outputs go).
    pub build: BuildOptions,
    /// The address to listen on; 127.0.0.1 unless the user says otherwise.
    pub bind: IpAddr,
    /// The port; 0 for any free one.
    pub port: u16,
}

/// What the open pages are told of the last build.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Live {
    /// Counts builds: a page built from an older generation fetches the gallery again.
    pub generation: u64,
    /// Whether the last build ran without any problem.
    pub ok: bool,
    /// The problems of the last build, one message each, with file and line.
    pub problems: Vec<String>,
    /// One line on the last build, e.g. "35 jobs: 2 built, 33 skipped, 0 failed".
    pub summary: String,
}

impl Live {
    /// The state after a build, one generation on.
    pub fn after(&self, outcome: &Outcome) -> Live {
        let generation = self.generation + 1;
        match outcome {
            Err(error) => Live {
                generation,
                ok: false,
                problems: messages(error),
                summary: "nothing was built: the input has problems".into(),
            },
            Ok(report) => {
                let mut problems = Vec::new();
                for job in &report.jobs {
                    if let Some(error) = job.error() {
                        let name = format!("{} / {}", job.id.edition, job.id.layout);
                        problems
                            .extend(messages(error).into_iter().map(|m| format!("{name}: {m}")));
                    }
                }
                problems.extend(report.unfinished.iter().flat_map(messages));
                let (failed, skipped) = (report.failed(), report.skipped());
                let built = report.jobs.len() - failed - skipped;
                Live {
                    generation,
                    ok: problems.is_empty(),
                    problems,
                    summary: format!(
                        "{} jobs: {built} built, {skipped} skipped (unchanged), {failed} failed",
                        report.jobs.len()
                    ),
                }
            }
        }
    }
}

/// An error's messages, one per problem.
fn messages(error: &Error) -> Vec<String> {
    match error {
        Error::Invalid(problems) => problems.iter().map(ToString::to_string).collect(),
        other => vec![other.to_string()],
    }
}

/// Serves until `stop`: binds, calls `ready` with the address, then builds, and builds
/// again on every change; `built` hears of every build (for the terminal).
pub fn serve(
    options: &ServeOptions,
    progress: &dyn Progress,
    stop: &Stop,
    ready: impl FnOnce(SocketAddr),
    mut built: impl FnMut(&Outcome, Option<&[PathBuf]>),
) -> Result<(), Error> {
    let out = options.build.out_dir();
    std::fs::create_dir_all(&out).map_err(|e| Error::io("create folder", &out, e))?;
    let root = out.canonicalize().map_err(|e| Error::io("open", &out, e))?;
    let address = SocketAddr::new(options.bind, options.port);
    let listener = TcpListener::bind(address)
        .and_then(|l| l.set_nonblocking(true).map(|()| l))
        .map_err(|e| Error::io("listen on", Path::new(&address.to_string()), e))?;
    let address = listener.local_addr().map_err(|e| Error::io("listen on", &out, e))?;
    let (live, pages) = watch::channel(Live::default());
    let shutdown = Arc::new(Notify::new());
    let site = Arc::new(Site { root, live: pages });
    let server = {
        let shutdown = shutdown.clone();
        std::thread::Builder::new()
            .name("flyerpress-http".into())
            .spawn(move || run_server(listener, site, &shutdown))
            .map_err(|e| Error::Internal(format!("cannot start the HTTP server: {e}")))?
    };
    ready(address);
    let result = rebuild_loop(&options.build, progress, stop, |outcome, changed| {
        live.send_modify(|state| *state = state.after(outcome));
        built(outcome, changed);
    });
    shutdown.notify_one();
    drop(live);
    let served = server.join().map_err(|_| Error::Internal("the HTTP server panicked".into()))?;
    result.and(served)
}

/// What the request handlers share.
struct Site {
    /// The output folder, canonical: nothing outside it is served.
    root: PathBuf,
    /// The last build's state.
    live: watch::Receiver<Live>,
}

type Body = BoxBody<Bytes, Infallible>;

fn run_server(listener: TcpListener, site: Arc<Site>, shutdown: &Notify) -> Result<(), Error> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::Internal(format!("cannot start the HTTP runtime: {e}")))?;
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::from_std(listener)
            .map_err(|e| Error::Internal(format!("cannot listen: {e}")))?;
        let slots = Arc::new(Semaphore::new(MAX_CONNECTIONS));
        loop {
            tokio::select! {
                accepted = listener.accept() => {
                    let Ok((stream, _)) = accepted else { continue };
                    let Ok(slot) = slots.clone().try_acquire_owned() else { continue };
                    let site = site.clone();
                    tokio::spawn(async move {
                        let service = service_fn(move |request| respond(request, site.clone()));
                        let _ = http1::Builder::new()
                            .max_buf_size(MAX_HEAD)
                            .serve_connection(TokioIo::new(stream), service)
                            .await;
                        drop(slot);
                    });
                }
                () = shutdown.notified() => return Ok(()),
            }
        }
    })
}

async fn respond(
    request: Request<Incoming>,
    site: Arc<Site>,
) -> Result<Response<Body>, Infallible> {
    Ok(route(&request, &site).await.unwrap_or_else(refusal))
}

async fn route(request: &Request<Incoming>, site: &Site) -> Result<Response<Body>, StatusCode> {
    if request.method() != Method::GET && request.method() != Method::HEAD {
        return Err(StatusCode::METHOD_NOT_ALLOWED);
    }
    let has_body = request.headers().contains_key(header::TRANSFER_ENCODING)
        || request
            .headers()
            .get(header::CONTENT_LENGTH)
            .is_some_and(|length| length.as_bytes() != b"0");
    if has_body {
        return Err(StatusCode::PAYLOAD_TOO_LARGE);
    }
    let target = request.uri().path_and_query().map_or("/", |p| p.as_str());
    if target.len() > MAX_TARGET {
        return Err(StatusCode::URI_TOO_LONG);
    }
    let path = request.uri().path();
    let head = request.method() == Method::HEAD;
    match path {
        EVENTS_PATH => Ok(events(site.live.clone())),
        STATE_PATH => {
            let state = serde_json::to_vec(&*site.live.borrow()).unwrap_or_default();
            Ok(file_response(state, "application/json", head))
        }
        "/" | "/index.html" => {
            let page = std::fs::read_to_string(site.root.join(GALLERY_FILE))
                .unwrap_or_else(|_| PLACEHOLDER.to_owned());
            Ok(file_response(live_page(&page, &site.live.borrow()).into_bytes(), HTML, head))
        }
        _ => {
            let file = confine(&site.root, path)?;
            let bytes = tokio::task::spawn_blocking(move || std::fs::read(file))
                .await
                .map_err(|_| StatusCode::INTERNAL_SERVER_ERROR)?
                .map_err(|_| StatusCode::NOT_FOUND)?;
            Ok(file_response(bytes, content_type(path), head))
        }
    }
}

/// The file a request path names inside `root`, or why it is refused: a path that
/// leaves the folder (`..`, an absolute or encoded one, a symlink out), names a hidden
/// file or a folder, or is not there.
pub fn confine(root: &Path, path: &str) -> Result<PathBuf, StatusCode> {
    let decoded = percent_encoding::percent_decode_str(path)
        .decode_utf8()
        .map_err(|_| StatusCode::BAD_REQUEST)?;
    let mut relative = PathBuf::new();
    for segment in decoded.split('/').filter(|s| !s.is_empty()) {
        let mut components = Path::new(segment).components();
        let plain =
            matches!(components.next(), Some(Component::Normal(_))) && components.next().is_none();
        if !plain || segment.starts_with('.') || segment.contains(['\\', '\0']) {
            return Err(StatusCode::FORBIDDEN);
        }
        relative.push(segment);
    }
    let file = root.join(relative).canonicalize().map_err(|_| StatusCode::NOT_FOUND)?;
    if !file.starts_with(root) {
        return Err(StatusCode::FORBIDDEN);
    }
    if !file.is_file() {
        return Err(StatusCode::NOT_FOUND);
    }
    Ok(file)
}

const HTML: &str = "text/html; charset=utf-8";

fn content_type(path: &str) -> &'static str {
    if let Some(output) = Output::of_file(path) {
        return output.media_type();
    }
    match path.rsplit('.').next() {
        Some("html") => HTML,
        Some("json") => "application/json",
        _ => "application/octet-stream",
    }
}

fn file_response(bytes: Vec<u8>, kind: &'static str, head: bool) -> Response<Body> {
    let length = bytes.len();
    let body = if head { Bytes::new() } else { Bytes::from(bytes) };
    let mut response = Response::new(Full::new(body).boxed());
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(kind));
    headers.insert(header::CONTENT_LENGTH, HeaderValue::from(length));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    response
}

fn refusal(status: StatusCode) -> Response<Body> {
    let text = format!("{status}\n");
    let mut response = Response::new(Full::new(Bytes::from(text)).boxed());
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/plain; charset=utf-8"));
    if status == StatusCode::METHOD_NOT_ALLOWED {
        headers.insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
    }
    response
}

/// The event stream: the current state at once, then every new one, and a comment
/// every 15 s so that proxies keep the connection open.
fn events(live: watch::Receiver<Live>) -> Response<Body> {
    let stream = futures_util::stream::unfold((live, true), |(mut live, first)| async move {
        if !first {
            tokio::select! {
                changed = live.changed() => changed.ok()?,
                () = tokio::time::sleep(Duration::from_secs(15)) => {
                    let frame = Frame::data(Bytes::from_static(b": still here\n\n"));
                    return Some((Ok(frame), (live, false)));
                }
            }
        }
        let state = serde_json::to_string(&*live.borrow_and_update()).unwrap_or_default();
        let frame = Frame::data(Bytes::from(format!("event: build\ndata: {state}\n\n")));
        Some((Ok(frame), (live, false)))
    });
    let mut response = Response::new(BodyExt::boxed(StreamBody::new(stream)));
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/event-stream"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    response
}

/// The gallery as served: the last build's problems at the top, and the live-reload
/// script, which knows the generation the page shows.
pub fn live_page(gallery: &str, live: &Live) -> String {
    let mut page = gallery.to_owned();
    if !live.problems.is_empty() {
        let mut panel = String::from(
            "<div id=\"flyerpress-problems\" role=\"alert\" style=\"border:3px solid #b3261e;\
             background:#fdecea;padding:.5rem 1rem;margin:1rem 0\">\n\
             <h2 style=\"margin:.2rem 0;color:#8c1d18\">The last build found problems</h2>\n<ul>\n",
        );
        for problem in &live.problems {
            panel.push_str(&format!(
                "<li><pre style=\"white-space:pre-wrap;margin:.2rem 0\">{}</pre></li>\n",
                xml_escape(problem)
            ));
        }
        panel.push_str(
            "</ul>\n<p>The files below are from the last build that made them. Save a fix: \
             the page updates by itself.</p>\n</div>\n",
        );
        if let Some(at) = page.find("<body>") {
            page.insert_str(at + "<body>".len(), &format!("\n{panel}"));
        }
    }
    let script = LIVE_SCRIPT.replace("GENERATION", &live.generation.to_string());
    match page.rfind(SCRIPT_SLOT) {
        Some(at) => page.insert_str(at, &script),
        None => page.push_str(&script),
    }
    page
}

/// The page served before the first build has written a gallery.
const PLACEHOLDER: &str = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\" />\n\
    <title>flyerpress – building</title>\n</head>\n<body>\n<h1>Building…</h1>\n\
    <p>The gallery appears here when the first build is done.</p>\n</body>\n</html>\n";

/// Listens for builds; when one is newer than the page, fetches the page again and
/// swaps its body in, keeping which editions are unfolded and the scroll position.
const LIVE_SCRIPT: &str = "<script>\n(function () {\n\
  var shown = GENERATION;\n\
  var events = new EventSource('/_flyerpress/events');\n\
  events.addEventListener('build', function (event) {\n\
    var live = JSON.parse(event.data);\n\
    if (live.generation === shown) return;\n\
    fetch('/', { cache: 'no-store' }).then(function (r) { return r.text(); }).then(function (html) {\n\
      var next = new DOMParser().parseFromString(html, 'text/html');\n\
      var open = {};\n\
      document.querySelectorAll('section[id] > details').forEach(function (d) { open[d.parentNode.id] = d.open; });\n\
      next.querySelectorAll('section[id] > details').forEach(function (d) {\n\
        if (d.parentNode.id in open) d.open = open[d.parentNode.id];\n\
      });\n\
      var y = window.scrollY;\n\
      document.body.replaceWith(document.adoptNode(next.body));\n\
      window.scrollTo(0, y);\n\
      shown = live.generation;\n\
    });\n\
  });\n\
})();\n</script>\n";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_files_inside_the_folder_are_served() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("out");
        std::fs::create_dir_all(root.join("da")).unwrap();
        std::fs::write(root.join("da/a4.pdf"), b"pdf").unwrap();
        std::fs::write(root.join(".flyerpress-x.tmp"), b"tmp").unwrap();
        std::fs::write(dir.path().join("secret"), b"secret").unwrap();
        std::os::unix::fs::symlink(dir.path().join("secret"), root.join("link")).unwrap();
        let root = root.canonicalize().unwrap();
        assert_eq!(confine(&root, "/da/a4.pdf"), Ok(root.join("da/a4.pdf")));
        assert_eq!(confine(&root, "/da//a4.pdf"), Ok(root.join("da/a4.pdf")));
        for (path, status) in [
            ("/../secret", StatusCode::FORBIDDEN),
            ("/da/../../secret", StatusCode::FORBIDDEN),
            ("/%2e%2e/secret", StatusCode::FORBIDDEN),
            ("/%2E%2E%2Fsecret", StatusCode::FORBIDDEN),
            ("/da%2f..%2f..%2fsecret", StatusCode::FORBIDDEN),
            ("/..%5csecret", StatusCode::FORBIDDEN),
            ("/.flyerpress-x.tmp", StatusCode::FORBIDDEN),
            ("/link", StatusCode::FORBIDDEN),
            ("/da", StatusCode::NOT_FOUND),
            ("/da/none.pdf", StatusCode::NOT_FOUND),
            ("/%zz", StatusCode::NOT_FOUND),
            ("/%ff", StatusCode::BAD_REQUEST),
        ] {
            assert_eq!(confine(&root, path), Err(status), "{path}");
        }
    }

    #[test]
    fn the_served_page_shows_problems_and_listens_for_builds() {
        let gallery =
            "<!DOCTYPE html>\n<html lang=\"en\">\n<body>\n<main></main>\n</body>\n</html>\n";
        let live = Live {
            generation: 7,
            ok: false,
            problems: vec!["content/en.yaml:3:1: did not find <key>".into()],
            summary: String::new(),
        };
        let page = live_page(gallery, &live);
        assert!(page.contains("content/en.yaml:3:1: did not find &lt;key&gt;"), "{page}");
        assert!(page.contains("var shown = 7;"), "{page}");
        assert!(page.find("flyerpress-problems") < page.find("<main>"), "{page}");
        assert!(page.find("<script>") < page.find("</body>"), "{page}");
        let clean = live_page(gallery, &Live { generation: 8, ok: true, ..Default::default() });
        assert!(!clean.contains("flyerpress-problems"));
    }
}
