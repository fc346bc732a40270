"""The benchmark app in Flask (Debian's python3-flask), served by gunicorn
with one sync worker: ``gunicorn -w 1 flask_app:app``.
``python3 flask_app.py inprocess`` runs the test-client scenario instead."""
import json
import os
import sys
import time

from flask import Blueprint, Flask, g, jsonify, render_template, request, session

FIXTURES = os.environ.get("BENCH_FIXTURES", os.path.abspath("bench/.fixtures"))
TEMPLATES = os.environ.get("BENCH_TEMPLATES", os.path.abspath("bench/templates"))
HELLO = "Hello, World!"

# the data the TypeScript servers share (bench/servers/shared.ts), exported by bench/run.ts
with open(os.path.join(FIXTURES, "shared.json"), encoding="utf-8") as f:
    SHARED = json.load(f)

app = Flask(__name__, static_folder=os.path.join(FIXTURES, "static"), static_url_path="/static", template_folder=TEMPLATES)
app.secret_key = SHARED["secret"]


@app.get("/plaintext")
def plaintext():
    return HELLO, 200, {"Content-Type": "text/plain; charset=utf-8"}


@app.get("/json")
def json_view():
    return {"message": HELLO}


@app.get("/users/<int:id>")
def user(id):
    return {"id": id}


def params(**kwargs):
    return kwargs


EXTRA_ROUTES = int(os.environ.get("BENCH_ROUTES", "0"))
for i, route in enumerate(SHARED["routes"] + SHARED["extraRoutes"][:EXTRA_ROUTES]):
    app.add_url_rule(route, f"route{i}", params)


@app.get("/fortunes")
def fortunes():
    return render_template("fortunes.html", fortunes=SHARED["fortunes"])


@app.get("/session")
def counter():
    session["n"] = session.get("n", 0) + 1
    return {"n": session["n"]}


@app.post("/json-post")
def json_post():
    items = request.get_json()
    return {"count": len(items) if isinstance(items, list) else -1}


@app.post("/upload")
def upload():
    file = request.files.get("file")
    if file is None:
        return {"size": -1}
    file.stream.seek(0, os.SEEK_END)
    return {"size": file.stream.tell()}


hooks = Blueprint("hooks", __name__, url_prefix="/hooks")


def make_hook(i):
    def hook():
        g.hooks = i

    return hook


for i in range(1, 6):
    hooks.before_request(make_hook(i))


@hooks.get("/")
def hooked():
    return {"hooks": g.hooks}


app.register_blueprint(hooks)


def in_process():
    duration = float(os.environ.get("BENCH_DURATION", "3"))
    warmup = float(os.environ.get("BENCH_WARMUP", "1"))
    client = app.test_client()

    def run(seconds):
        start = time.perf_counter()
        count = 0
        while count < 5_000_000:
            for _ in range(64):
                res = client.get("/json")
                if res.status_code != 200:
                    raise RuntimeError(res.status_code)
            count += 64
            if time.perf_counter() - start >= seconds:
                break
        return count, time.perf_counter() - start

    run(warmup)
    count, seconds = run(duration)
    print("BENCH_RESULT " + json.dumps({"requests": count, "seconds": seconds, "rps": count / seconds}), flush=True)


if __name__ == "__main__" and sys.argv[1:] == ["inprocess"]:
    in_process()
