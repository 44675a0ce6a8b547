use ddb_odm::{Model, Projection};

#[derive(Model)]
struct Post {
    #[key]
    id: String,
    #[index(name = "by_author", include = "title")]
    author: String,
    title: String,
    body: String,
}

#[derive(Projection)]
#[odm(model = Post)]
struct Teaser {
    author: String,
    title: String,
}

#[derive(Projection)]
#[odm(model = Post)]
struct Full {
    id: String,
    title: String,
    body: String,
}

fn main() {
    let posts = ddb_odm::Odm::new(ddb_odm::testing::client_for("http://127.0.0.1:9")).handle::<Post>().unwrap();
    // the include index has `title` and the keys
    let _ = posts.query(Post::query_index_by_author("ann")).project_into::<Teaser>();
    // but not `body`
    let _ = posts.query(Post::query_index_by_author("ann")).project_into::<Full>();
}
